package raster

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"

	"btsplan/geo"
)

// Class is one band of a Ramp: values from MinDBm up to the next class's
// MinDBm are drawn in Colour.
type Class struct {
	MinDBm float64     // lower bound of the class in dBm, inclusive
	Colour color.NRGBA // non-premultiplied; alpha below 255 lets the map show through
	Label  string      // shown in the legend after the threshold, e.g. "good"
}

// Ramp maps a received level in dBm to a colour. Its classes are in
// strictly increasing MinDBm; a value takes the colour of the last class
// whose MinDBm it reaches, and a value below the first class is not drawn.
type Ramp []Class

// RSRPRamp returns the LTE RSRP classes btsplan uses by default, from
// "edge" coverage at -120 dBm to "excellent" at -80 dBm and above.
func RSRPRamp() Ramp {
	return Ramp{
		{MinDBm: -120, Colour: color.NRGBA{R: 0xd7, G: 0x19, B: 0x1c, A: 0xb0}, Label: "edge"},
		{MinDBm: -110, Colour: color.NRGBA{R: 0xfd, G: 0xae, B: 0x61, A: 0xb0}, Label: "poor"},
		{MinDBm: -100, Colour: color.NRGBA{R: 0xff, G: 0xff, B: 0xbf, A: 0xb0}, Label: "fair"},
		{MinDBm: -90, Colour: color.NRGBA{R: 0xa6, G: 0xd9, B: 0x6a, A: 0xb0}, Label: "good"},
		{MinDBm: -80, Colour: color.NRGBA{R: 0x1a, G: 0x96, B: 0x41, A: 0xb0}, Label: "excellent"},
	}
}

// Validate reports whether r can be drawn: at least one class, finite
// thresholds in strictly increasing order.
func (r Ramp) Validate() error {
	if len(r) == 0 {
		return errors.New("ramp has no class")
	}
	for i, c := range r {
		if math.IsNaN(c.MinDBm) || math.IsInf(c.MinDBm, 0) {
			return fmt.Errorf("ramp class %d: threshold %v dBm is not finite", i, c.MinDBm)
		}
		if i > 0 && !(c.MinDBm > r[i-1].MinDBm) {
			return fmt.Errorf("ramp class %d: threshold %v dBm does not exceed %v dBm", i, c.MinDBm, r[i-1].MinDBm)
		}
	}
	return nil
}

// ColourOf returns the colour of a level in dBm and whether it is drawn at
// all (false for NaN and below the first class).
func (r Ramp) ColourOf(dBm float64) (color.NRGBA, bool) {
	for i := len(r) - 1; i >= 0; i-- {
		if dBm >= r[i].MinDBm {
			return r[i].Colour, true
		}
	}
	return color.NRGBA{}, false
}

// RenderPNG draws g, a raster of received levels in dBm, as an RGBA PNG of
// g.W×g.H pixels, one per cell, north up, to be laid over the map on g's
// Bound. Cells that are NaN or below the lowest class are transparent. It
// returns an error for an invalid grid or ramp, or a failed write.
func RenderPNG(w io.Writer, g *geo.Grid, ramp Ramp) error {
	if err := g.Check(); err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	if err := ramp.Validate(); err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	// Thresholds as float32, compared with the samples directly: a class's
	// float64 threshold rounds to the same float32 cut the samples use.
	mins := make([]float32, len(ramp))
	cols := make([][4]byte, len(ramp))
	for i, c := range ramp {
		mins[i] = float32(c.MinDBm)
		cols[i] = [4]byte{c.Colour.R, c.Colour.G, c.Colour.B, c.Colour.A}
	}
	img := image.NewNRGBA(image.Rect(0, 0, g.W, g.H))
	for y := 0; y < g.H; y++ {
		src := g.Pix[y*g.Stride : y*g.Stride+g.W]
		dst := img.Pix[y*img.Stride : y*img.Stride+4*g.W]
		for x, v := range src {
			k := len(mins) - 1
			for k >= 0 && !(v >= mins[k]) { // NaN fails every comparison
				k--
			}
			if k < 0 {
				continue // transparent: NRGBA's zero value
			}
			copy(dst[4*x:4*x+4], cols[k][:])
		}
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, img); err != nil {
		return fmt.Errorf("render png: %w", err)
	}
	return nil
}

// Legend layout, in pixels.
const (
	legendPad    = 8
	legendLineH  = 18
	legendSwatch = 24
	legendGap    = 8
)

// LegendPNG draws the legend of r: the title, then one row per class from
// the highest down, each a swatch of the class colour over white and
// ">= MinDBm dBm  label". Text is set in the 7×13 fixed font of
// golang.org/x/image/font/basicfont, which covers ASCII only, so accents
// are removed ("Vùng phủ" is drawn as "Vung phu") and other characters
// become '?'. It returns an error for an invalid ramp or a failed write.
func (r Ramp) LegendPNG(w io.Writer, title string) error {
	if err := r.Validate(); err != nil {
		return fmt.Errorf("legend png: %w", err)
	}
	face := basicfont.Face7x13
	title = asciiFold(title)
	labels := make([]string, len(r))
	textW := font.MeasureString(face, title).Ceil()
	for i, c := range r {
		l := ">= " + strconv.FormatFloat(c.MinDBm, 'f', -1, 64) + " dBm"
		if c.Label != "" {
			l += "  " + asciiFold(c.Label)
		}
		labels[i] = l
		textW = max(textW, legendSwatch+legendGap+font.MeasureString(face, l).Ceil())
	}
	rows := len(r)
	if title != "" {
		rows++
	}
	width := 2*legendPad + textW
	height := 2*legendPad + rows*legendLineH
	img := image.NewNRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.NRGBA{R: 255, G: 255, B: 255, A: 235}), image.Point{}, draw.Src)
	border := color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 255}
	for x := 0; x < width; x++ {
		img.SetNRGBA(x, 0, border)
		img.SetNRGBA(x, height-1, border)
	}
	for y := 0; y < height; y++ {
		img.SetNRGBA(0, y, border)
		img.SetNRGBA(width-1, y, border)
	}
	d := font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face}
	// The baseline sits so that the 13-pixel glyph box is centred in its line.
	baseline := func(line int) int { return legendPad + line*legendLineH + (legendLineH-13)/2 + face.Ascent }
	line := 0
	if title != "" {
		d.Dot = fixed.P(legendPad, baseline(line))
		d.DrawString(title)
		line++
	}
	for i := len(r) - 1; i >= 0; i-- {
		top := legendPad + line*legendLineH + 2
		sw := image.Rect(legendPad, top, legendPad+legendSwatch, top+legendLineH-4)
		draw.Draw(img, sw, image.NewUniform(color.White), image.Point{}, draw.Src)
		draw.Draw(img, sw, image.NewUniform(r[i].Colour), image.Point{}, draw.Over)
		d.Dot = fixed.P(legendPad+legendSwatch+legendGap, baseline(line))
		d.DrawString(labels[i])
		line++
	}
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("legend png: %w", err)
	}
	return nil
}

// asciiFold removes accents (NFD, then drops combining marks), maps the
// Vietnamese đ/Đ to d/D and replaces any other non-ASCII rune with '?'.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteByte('d')
		case r == 'Đ':
			b.WriteByte('D')
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

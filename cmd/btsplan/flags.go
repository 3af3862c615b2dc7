package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlags returns a FlagSet for a subcommand whose usage text shows the
// synopsis, the flags and the environment settings.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("btsplan "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: btsplan %s\n\n", synopsis)
		fmt.Fprintln(stderr, "flags:")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "\nenvironment:")
		for _, s := range settings {
			def := s.def
			if def == "" {
				def = "none"
			}
			fmt.Fprintf(stderr, "  %-24s %s (default %s)\n", s.name, s.help, def)
		}
	}
	return fs
}

// parseFlags parses args; --help is not an error, so it returns errHelp
// which callers turn into a clean exit.
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		return errHelp
	default:
		return errUsage
	}
}

// errHelp means --help was asked for and printed.
var errHelp = errors.New("help")

// helpOK turns errHelp into success.
func helpOK(err error) error {
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// splitMap parses "A=B,C=D" into a map, naming the flag in errors.
func splitMap(flagName, s string) (map[string]string, error) {
	out := map[string]string{}
	if s == "" {
		return out, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
			return nil, fmt.Errorf("--%s: %q is not SOURCE=CODE", flagName, kv)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

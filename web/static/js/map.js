// The Leaflet map and its panes. There is no base map: the map draws
// btsplan's own GeoJSON and fetches nothing from the internet.

// Vietnam until the data says where to look.
export const map = L.map('map', { preferCanvas: true, zoomSnap: 0.25 }).setView([16.0, 106.5], 5);
L.control.scale({ imperial: false }).addTo(map);
map.attributionControl.setPrefix('<a href="vendor/leaflet/LICENSE">Leaflet</a>');

// Zones draw on one canvas (a canvas per pane would hide the clicks of the
// panes below it); everything above them is SVG in panes of its own, so
// that each feature is an element (the browser test finds them by class)
// and the stacking is fixed: gap areas, a case's findings, villages,
// existing sites, proposals, site-search results, the site under check.
function svgPane(name, z) {
  map.createPane(name).style.zIndex = z;
  return L.svg({ pane: name });
}

export const renderers = {
  gapAreas: svgPane('gapareas', 420),
  findings: svgPane('findings', 430),
  villages: svgPane('villages', 440),
  sites: svgPane('sites', 445),
  proposals: svgPane('proposals', 450),
  search: svgPane('search', 455),
  site: svgPane('site', 460),
};

// fitLayers frames the valid bounds of the given layers.
export function fitLayers(layers, opts = {}) {
  let b = null;
  for (const l of layers) {
    const x = l && l.getBounds ? l.getBounds() : null;
    if (x && x.isValid()) b = b ? b.extend(x) : L.latLngBounds(x.getSouthWest(), x.getNorthEast());
  }
  if (b) map.fitBounds(b, { padding: [16, 16], ...opts });
  return b;
}

// A click on the map places the site under check; the site form sets
// the handler while it is shown.
let clickHandler = null;
export function onMapClick(fn) {
  clickHandler = fn;
}
map.on('click', (e) => {
  if (clickHandler) clickHandler(e.latlng);
});
export function mapClicked(latlng) {
  if (clickHandler) clickHandler(latlng);
}

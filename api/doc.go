// Package api is btsplan's HTTP interface: a gin router over
// planning.Service that speaks GeoJSON (RFC 7946) in and out, RFC 9457
// problem details for every error, a printable HTML report with an inline
// SVG map, Prometheus metrics and an OpenAPI 3 document kept true to the
// routes by a test.
//
// api owns the wire format: the JSON names, the JSON-pointer field names
// in errors and the mapping of planning's error Kinds to statuses
// (errors.go). It imports planning, geo, gin, orb and the Prometheus
// client; it must never import btsplan/data or pgx: the database reaches it
// only through planning's interfaces and the Ready and PoolStats functions
// of Config.
//
// Every route but /healthz, /readyz, /openapi.json, the web map and the
// public decisions (/v1/decisions) needs a bearer token that Config.Auth accepts (auth.go), and a role that the
// one role × endpoint table allows (authz.go, default deny); what a role
// sees within a route is planning.CanSee's. Without an authenticator the
// protected routes answer 503, never open.
package api

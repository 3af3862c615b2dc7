// Package planning is the domain of btsplan: sites proposed by carriers,
// the zones of a province's layers, the rules that a province edits as
// data, and the assessment that turns them into a verdict with evidence.
//
// It defines the interfaces it consumes (ZoneStore, ProposalStore,
// AdminStore, OrgStore) and data/ implements them with PostGIS.
//
// Rules are data: rules/national.yaml (embedded) is the national default and
// each province may override it with its own file; LoadRuleBook validates
// them and names file:line: field for every mistake (see rules/README.md).
// Service.Check asks the ZoneStore once for every zone within the widest
// distance any applicable rule tests, evaluates every rule against every
// zone in Go, and composes the verdict: CONFLICT if any prohibited rule
// matched, else CONDITIONAL if any consent rule matched, else APPROVE.
// Fakes of the store interfaces for tests are in planning/planningtest.
//
// planning may import only the standard library, github.com/paulmach/orb,
// gopkg.in/yaml.v3 (rule files), golang.org/x/text (folding names for the
// official gap list) and btsplan/geo. It must never import gin,
// pgx, net/http or btsplan/data, and its types carry no json or db tags:
// api/ owns the wire format.
package planning

// Package planning is the domain of btsplan: sites proposed by carriers,
// the zones of a province's layers, the rules that a province edits as
// data, and the assessment that turns them into a verdict with evidence.
//
// It defines the interfaces it consumes (ZoneStore, ProposalStore,
// AdminStore, OrgStore) and data/ implements them with PostGIS.
//
// planning may import only the standard library, github.com/paulmach/orb,
// gopkg.in/yaml.v3 (rule files) and btsplan/geo. It must never import gin,
// pgx, net/http or btsplan/data, and its types carry no json or db tags:
// api/ owns the wire format.
package planning

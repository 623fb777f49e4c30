// Package store is the newslens corpus: analysed documents with their
// annotations, entities, places, outlets, citations and ingestion records,
// queryable by full text, filters and aggregations.
//
// [Store] is the one interface; store/sqlite (embedded default) and
// store/postgres implement it, and store/storetest is the conformance suite
// both must pass. Consumers (the CLI, the web server) should declare the
// narrow subset they use.
//
// # Identity and versions
//
// A document is identified by its canonical URL (see [CanonicalURL]) plus
// the SHA-256 of its text. Putting the same pair again is a no-op that
// returns the stored id, so re-ingesting never duplicates. A different text
// at the same canonical URL is stored as a new version (Version+1) and
// becomes the latest; older versions are kept and reachable by
// [Store.Versions]. Searches see only latest versions unless
// [Filter.AllVersions] is set.
//
// # Durability
//
// Put commits one transaction per call; when it returns nil every document
// in the batch is durable against a crash of the process. SQLite runs in
// WAL mode with synchronous=NORMAL: a committed transaction survives
// kill -9, but a power loss or OS crash may lose the last transactions
// before a checkpoint (the database stays consistent; a re-run ingests
// them again, without duplicates). PostgreSQL follows the server's own
// fsync and synchronous_commit settings.
package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/newslens/newslens/document"
)

// ErrNotFound is returned when a document or entity does not exist.
var ErrNotFound = errors.New("not found")

// Store is the corpus. Implementations are safe for concurrent use.
type Store interface {
	// Put stores analysed documents in one transaction. Each document must
	// have Text; its ID is recomputed from the canonical URL and text. The
	// results are in input order.
	Put(ctx context.Context, docs []*document.Document) ([]PutResult, error)
	// Get returns a stored document with its annotations, or ErrNotFound.
	Get(ctx context.Context, id string) (*document.Document, error)
	// Info returns a document's corpus metadata, or ErrNotFound.
	Info(ctx context.Context, id string) (DocInfo, error)
	// Versions lists the stored versions of a URL (any form that
	// canonicalises to the same URL), newest first.
	Versions(ctx context.Context, url string) ([]DocInfo, error)
	// Cluster lists the latest documents in a near-duplicate cluster.
	Cluster(ctx context.Context, clusterID string) ([]DocInfo, error)
	// Search returns matching documents with snippets.
	Search(ctx context.Context, f Filter, p Page) (*Results, error)
	// Count returns the number of documents matching f (no snippets).
	Count(ctx context.Context, f Filter) (int, error)
	// Aggregate computes one aggregation over the documents matching f.
	Aggregate(ctx context.Context, q AggQuery, f Filter) ([]Row, error)
	// Entity returns a canonical entity with its mention count.
	Entity(ctx context.Context, id string) (EntityInfo, error)
	// Place returns a place by GeoNames id with its mention count.
	Place(ctx context.Context, id string) (PlaceInfo, error)
	// Outlets lists outlets with their document counts, largest first.
	Outlets(ctx context.Context) ([]OutletInfo, error)

	// Stale returns up to limit ids of stored documents, after the id
	// `after` in id order, for which some analyzer in want is missing or
	// has a different version. Reanalysis pages through it.
	Stale(ctx context.Context, want map[string]string, after string, limit int) ([]string, error)
	// Replace overwrites the annotations, entities, summaries and analyzer
	// versions of already stored documents (same id, same text), in one
	// transaction. Used by reanalysis.
	Replace(ctx context.Context, docs []*document.Document) error

	// RecordIngest records the outcomes for source items in one
	// transaction, each replacing any earlier record with the same Source.
	RecordIngest(ctx context.Context, rs ...IngestRecord) error
	// Ingested returns the record for a source item, or ErrNotFound.
	Ingested(ctx context.Context, source string) (IngestRecord, error)

	// Close releases the store.
	Close() error
}

// PutResult says what Put did with one document.
type PutResult struct {
	ID        string
	Version   int
	ClusterID string
	// Existing is true when the same URL and text were already stored: no
	// write happened.
	Existing bool
}

// DocInfo is a document's corpus metadata, without text and annotations.
type DocInfo struct {
	ID           string
	URL          string
	CanonicalURL string
	Outlet       string
	Title        string
	Published    *time.Time
	Ingested     time.Time
	Version      int
	Latest       bool
	ClusterID    string
	TextHash     string
	Bytes        int
}

// BBox is a latitude/longitude bounding box.
type BBox struct {
	MinLat, MinLon, MaxLat, MaxLon float64
}

// Filter selects documents. Zero fields do not constrain. Within one slice
// field the values are alternatives (OR); different fields combine with AND.
type Filter struct {
	// Query is a full-text query: words (all must match), "quoted phrases",
	// and -word to exclude.
	Query      string
	Outlets    []string
	EntityIDs  []string // canonical entity ids (Attrs["entity_id"])
	PlaceIDs   []string // GeoNames ids of "place" annotations
	BBox       *BBox    // some place annotation lies inside
	Speakers   []string // quote Attrs["speaker"] or ["speaker_entity"]
	Techniques []string // technique labels
	CountTypes []string // count labels
	// EventTypes, EventSources and EventTargets keep documents with an
	// event (kind "event") of one of these PLOVER types, whose source
	// (target) entity is one of these canonical ids. When more than one
	// of the three is set, a single event must match all of them: who did
	// what to whom, not three unrelated events of one document.
	EventTypes   []string
	EventSources []string
	EventTargets []string
	// Portrayals keeps documents whose document-level portrayal (the
	// portrayal analyzer's summary) of an entity has a label; alternatives.
	Portrayals []Portrayal
	From, To   time.Time
	// ClusterID restricts to one near-duplicate cluster.
	ClusterID string
	// AllVersions includes superseded versions of changed articles.
	AllVersions bool
}

// Portrayal selects documents by how they portray an entity.
type Portrayal struct {
	EntityID string // canonical entity id
	// Label is negative, neutral or positive; empty matches any label
	// (documents that portray the entity at all).
	Label string
}

// ParsePortrayal reads "ENTITY-ID:LABEL" or a bare entity id (any label).
// Entity ids may contain colons ("per:bashar-al-assad"), so only a final
// negative, neutral or positive is taken as the label.
func ParsePortrayal(s string) Portrayal {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		switch l := s[i+1:]; l {
		case "negative", "neutral", "positive":
			return Portrayal{EntityID: s[:i], Label: l}
		}
	}
	return Portrayal{EntityID: s}
}

// Sort orders search results.
type Sort string

// Sort orders.
const (
	SortRelevance Sort = "relevance" // default when Query is set
	SortDate      Sort = "date"      // newest first; default without Query
	SortDateAsc   Sort = "date-asc"
)

// MaxTotal is where Search stops counting matches.
const MaxTotal = 10000

// Page selects a window of results.
type Page struct {
	Limit  int // 0 means 20; capped at 1000
	Offset int
	Sort   Sort
}

// Results is a page of search results.
type Results struct {
	// Total counts all matches (not only this page), up to MaxTotal.
	Total int
	// TotalCapped is true when there are more than MaxTotal matches and
	// Total stops at MaxTotal (counting every match of a common word in a
	// large corpus costs more than the page itself). Store.Count is exact.
	TotalCapped bool
	Hits        []Hit
}

// Hit is one search result.
type Hit struct {
	DocInfo
	Score    float64   // relevance, higher is better (0 when sorted by date)
	Snippets []Snippet // passages around query matches (empty without Query)
}

// Snippet is a passage of the document's text with the query matches in it.
// All spans are byte offsets into the document's Text, so a caller can link
// them to annotations.
type Snippet struct {
	document.Span
	Text    string
	Matches []document.Span
}

// Aggregation names an aggregation.
type Aggregation string

// Aggregations. Row keys are listed for each.
const (
	AggVolume          Aggregation = "volume"           // [bucket]; Count docs
	AggOutletTechnique Aggregation = "outlet-technique" // [outlet, technique]; Count annotations
	AggSpeakers        Aggregation = "speakers"         // [outlet, speaker]; Count quotes
	AggQuotedEntities  Aggregation = "quoted-entities"  // [outlet, entity id, name]; Count quotes
	AggCitedOutlets    Aggregation = "cited-outlets"    // [cited outlet]; Count citations
	AggCitations       Aggregation = "citations"        // [citing outlet, cited outlet]; Count
	AggCooccurrence    Aggregation = "cooccurrence"     // [entity id A, entity id B]; Count docs
	AggEntities        Aggregation = "entities"         // [entity id, type, name]; Count docs
	AggPlaces          Aggregation = "places"           // [geonameid, name, country, lat, lon]; Count mentions
	AggCountsByType    Aggregation = "counts"           // [count type]; Sum, Count
	AggCountsByPlace   Aggregation = "counts-by-place"  // [count type, focus place]; Sum, Count
	AggCountsByTime    Aggregation = "counts-by-time"   // [count type, bucket]; Sum, Count
	AggEvents          Aggregation = "events"           // [PLOVER type]; Count events
	AggEventsByTime    Aggregation = "events-by-time"   // [PLOVER type, bucket]; Count events
	// AggEventActors: role is "source" or "target"; the top Limit entities
	// per type and role.
	AggEventActors Aggregation = "event-actors" // [PLOVER type, role, entity id, name]; Count events
	// The portrayal aggregations count documents by an entity's
	// document-level portrayal label (negative, neutral, positive), for
	// the Limit entities portrayed in most documents.
	AggPortrayal         Aggregation = "portrayal"           // [entity id, name, label]; Count docs
	AggPortrayalByOutlet Aggregation = "portrayal-by-outlet" // [outlet, entity id, name, label]; Count docs
	AggPortrayalByTime   Aggregation = "portrayal-by-time"   // [entity id, name, label, bucket]; Count docs
)

// Aggregations lists every aggregation, for help texts.
var Aggregations = []Aggregation{AggVolume, AggOutletTechnique, AggSpeakers, AggQuotedEntities, AggCitedOutlets,
	AggCitations, AggCooccurrence, AggEntities, AggPlaces, AggCountsByType, AggCountsByPlace, AggCountsByTime,
	AggEvents, AggEventsByTime, AggEventActors, AggPortrayal, AggPortrayalByOutlet, AggPortrayalByTime}

// AggQuery configures an aggregation.
type AggQuery struct {
	Agg Aggregation
	// Interval buckets time: "day", "week" (ISO, Monday), "month" (default), "year".
	Interval string
	// Limit caps the rows (0 means 50). Per-outlet aggregations apply it
	// per outlet.
	Limit int
}

// Row is one aggregation row.
type Row struct {
	Keys  []string
	Count int64
	Sum   float64
}

// EntityInfo is a canonical entity in the corpus.
type EntityInfo struct {
	ID        string
	Type      string
	Name      string
	Documents int
	Mentions  int
}

// PlaceInfo is a place (GeoNames id) in the corpus.
type PlaceInfo struct {
	ID        string
	Name      string
	Country   string
	Lat, Lon  float64
	Documents int
	Mentions  int
}

// OutletInfo is an outlet with its document count.
type OutletInfo struct {
	Name      string
	Documents int
}

// Ingest statuses.
const (
	IngestOK     = "ok"
	IngestFailed = "failed"
)

// IngestRecord is the outcome of ingesting one source item (a file, a WARC
// record, a feed item URL). Re-runs skip items whose record says ok with the
// same content hash.
type IngestRecord struct {
	Source   string // "path", "file.warc.gz#<record-id>", a URL
	Hash     string // hash of the raw content, to notice changes
	DocID    string
	Status   string // IngestOK or IngestFailed
	Error    string
	Time     time.Time
	Attempts int
}

package server

import (
	"context"
	"errors"
	"time"

	"github.com/newslens/newslens/document"
)

// Corpus is what the server reads and writes. It is declared here, by its
// consumer, so the server does not depend on a storage technology: cmd wires
// the real store through an adapter, and tests use server/memcorpus.
//
// Implementations must be safe for concurrent use. Documents returned by Get
// belong to the caller; the server never mutates a document it did not create.
type Corpus interface {
	// Get returns the document with the given id, or an error wrapping ErrNotFound.
	Get(ctx context.Context, id string) (*document.Document, error)
	// Put stores an analysed document, replacing one with the same id.
	Put(ctx context.Context, doc *document.Document) error
	// Delete removes a document; deleting a missing one wraps ErrNotFound.
	Delete(ctx context.Context, id string) error
	// Documents lists documents, newest first.
	Documents(ctx context.Context, p PageRequest) (Page[DocSummary], error)
	// Search runs a full-text query with filters and returns facet counts over
	// every match (not just the page).
	Search(ctx context.Context, q SearchRequest) (*SearchResult, error)
	// Stats aggregates the whole corpus for the dashboard.
	Stats(ctx context.Context) (*Stats, error)
	Entities(ctx context.Context, p PageRequest) (Page[EntitySummary], error)
	Entity(ctx context.Context, id string) (*EntityDetail, error)
	Places(ctx context.Context, p PageRequest) (Page[PlaceSummary], error)
	Place(ctx context.Context, id string) (*PlaceDetail, error)
	Outlets(ctx context.Context, p PageRequest) (Page[OutletSummary], error)
	Outlet(ctx context.Context, name string) (*OutletDetail, error)
}

// ClusterLister is implemented by corpora that group near-duplicate and
// syndicated copies of an article; the article view lists the copies.
type ClusterLister interface {
	// Cluster returns the other documents in docID's cluster.
	Cluster(ctx context.Context, docID string) ([]DocSummary, error)
}

// ErrNotFound is wrapped by Corpus errors for missing documents, entities,
// places and outlets; the server maps it to 404.
var ErrNotFound = errors.New("not found")

// PageRequest asks for one page of a list. Cursor is opaque: the Next of the
// previous page, or "" for the first.
type PageRequest struct {
	Limit  int
	Cursor string
}

// Page is one page of a list; Next is "" on the last page.
type Page[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next_cursor,omitempty"`
	Total int    `json:"total"`
}

// Filter narrows a search. Empty fields do not filter.
type Filter struct {
	Outlet    string `json:"outlet,omitempty"`
	Entity    string `json:"entity,omitempty"` // canonical entity id
	Place     string `json:"place,omitempty"`  // geonameid
	Speaker   string `json:"speaker,omitempty"`
	Technique string `json:"technique,omitempty"`
	// Event keeps documents with an event of this PLOVER type; Actor and
	// Target those with an event whose source (target) is this entity id.
	// With Event set too, the same event must match both.
	Event  string `json:"event,omitempty"`
	Actor  string `json:"actor,omitempty"`
	Target string `json:"target,omitempty"`
	// Portrayal is "entity-id:label" (label negative, neutral or positive):
	// documents whose aggregate portrayal of the entity has that label.
	Portrayal string    `json:"portrayal,omitempty"`
	From      time.Time `json:"from,omitzero"`
	To        time.Time `json:"to,omitzero"` // exclusive
}

// SearchRequest is a full-text query. An empty Query matches every document
// that passes the filter.
type SearchRequest struct {
	Query string
	Filter
	Sort string // "relevance" (default) or "date"
	PageRequest
}

// SearchResult is one page of hits with facets over all matches.
type SearchResult struct {
	Total  int                     `json:"total"`
	Hits   []Hit                   `json:"hits"`
	Next   string                  `json:"next_cursor,omitempty"`
	Facets map[string][]FacetCount `json:"facets"`
}

// Facet names used in SearchResult.Facets.
const (
	FacetOutlet    = "outlet"
	FacetEntity    = "entity"
	FacetPlace     = "place"
	FacetSpeaker   = "speaker"
	FacetTechnique = "technique"
	FacetDate      = "date"      // values are months, "2017-09"
	FacetEvent     = "event"     // PLOVER event types
	FacetActor     = "actor"     // entity ids that are the source of an event
	FacetTarget    = "target"    // entity ids that are the target of an event
	FacetPortrayal = "portrayal" // "entity-id:label", a document's aggregate portrayal of an entity
)

// FacetNames lists the facets in display order.
var FacetNames = []string{FacetOutlet, FacetEntity, FacetPlace, FacetSpeaker, FacetTechnique, FacetDate,
	FacetEvent, FacetActor, FacetTarget, FacetPortrayal}

// PortrayalLabels are the portrayal classes, in display order.
var PortrayalLabels = []string{"negative", "neutral", "positive"}

// FacetCount is one facet value with the number of matching documents.
// Value is what goes in the filter; Label is for display.
type FacetCount struct {
	Value string `json:"value"`
	Label string `json:"label,omitempty"`
	Count int    `json:"count"`
}

// Hit is a matching document with the matching spans in context.
type Hit struct {
	DocSummary
	Score    float64   `json:"score"`
	Snippets []Snippet `json:"snippets,omitempty"`
}

// Snippet is an excerpt of a document's text around matches. Start is the
// byte offset of Text in the document; Matches are spans of the document.
type Snippet struct {
	Start   int             `json:"start"`
	Text    string          `json:"text"`
	Matches []document.Span `json:"matches"`
}

// DocSummary is a document as listed.
type DocSummary struct {
	ID        string     `json:"id"`
	Title     string     `json:"title"`
	Outlet    string     `json:"outlet,omitempty"`
	URL       string     `json:"url,omitempty"`
	Published *time.Time `json:"published,omitempty"`
}

// Stats are corpus-wide aggregations.
type Stats struct {
	Documents   int            `json:"documents"`
	Annotations map[string]int `json:"annotations"` // by kind
	// Volume is documents per month ("2017-09").
	Volume []FacetCount `json:"volume"`
	// OutletTechnique is the outlet × technique matrix of annotation counts.
	OutletTechnique []Cell         `json:"outlet_technique"`
	TopSpeakers     []FacetCount   `json:"top_speakers"`
	TopEntities     []FacetCount   `json:"top_entities"`
	Citations       []Edge         `json:"citations"`
	Places          []PlaceSummary `json:"places"`
	Outlets         []FacetCount   `json:"outlets"`
}

// Cell is one cell of a matrix.
type Cell struct {
	Row   string `json:"row"`
	Col   string `json:"col"`
	Count int    `json:"count"`
}

// Edge is a weighted directed edge: From cites To Count times.
type Edge struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Count int    `json:"count"`
}

// EntitySummary is an entity as listed.
type EntitySummary struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Mentions  int    `json:"mentions"`
	Documents int    `json:"documents"`
}

// QuoteRef is a quote in some document.
type QuoteRef struct {
	DocID   string `json:"doc_id"`
	Title   string `json:"title"`
	AnnID   string `json:"annotation_id"`
	Speaker string `json:"speaker,omitempty"`
	Text    string `json:"text"`
}

// EntityDetail is everything the entity page shows.
type EntityDetail struct {
	EntitySummary
	Aliases     []string     `json:"aliases,omitempty"`
	Timeline    []FacetCount `json:"timeline"`
	Outlets     []FacetCount `json:"outlets"`
	CoOccurring []FacetCount `json:"co_occurring"`
	QuotesBy    []QuoteRef   `json:"quotes_by"`
	QuotesAbout []QuoteRef   `json:"quotes_about"`
	Documents   []DocSummary `json:"recent_documents"`
	// Portrayal counts the documents portraying the entity negatively,
	// neutrally and positively (their aggregate label) per week (Period is
	// the Monday, "2017-09-04"); PortrayalByOutlet per outlet over all time.
	Portrayal         []PortrayalRow      `json:"portrayal,omitempty"`
	PortrayalByOutlet []PortrayalRow      `json:"portrayal_by_outlet,omitempty"`
	PortrayalEvidence []PortrayalEvidence `json:"portrayal_evidence,omitempty"`
	// EventsAsActor and EventsAsTarget count its events by PLOVER type.
	EventsAsActor  []FacetCount `json:"events_as_actor,omitempty"`
	EventsAsTarget []FacetCount `json:"events_as_target,omitempty"`
}

// PortrayalCounts counts documents by portrayal label.
type PortrayalCounts struct {
	Negative int `json:"negative"`
	Neutral  int `json:"neutral"`
	Positive int `json:"positive"`
}

// Add counts one document with the given label; other labels are ignored.
func (p *PortrayalCounts) Add(label string) {
	switch label {
	case "negative":
		p.Negative++
	case "neutral":
		p.Neutral++
	case "positive":
		p.Positive++
	}
}

// Of returns the count of one label.
func (p PortrayalCounts) Of(label string) int {
	switch label {
	case "negative":
		return p.Negative
	case "neutral":
		return p.Neutral
	case "positive":
		return p.Positive
	}
	return 0
}

// Total is the number of documents counted.
func (p PortrayalCounts) Total() int { return p.Negative + p.Neutral + p.Positive }

// PortrayalRow is one cell of the outlet × entity × period portrayal
// matrix; empty Period or Outlet means all.
type PortrayalRow struct {
	Period string `json:"period,omitempty"`
	Outlet string `json:"outlet,omitempty"`
	Entity string `json:"entity"`
	Name   string `json:"name,omitempty"`
	PortrayalCounts
}

// PortrayalEvidence is one portrayal annotation of an entity: the mention,
// its label and whose voice it is, in its sentence.
type PortrayalEvidence struct {
	DocSummary
	AnnID      string  `json:"annotation_id"`
	Label      string  `json:"label"`
	Voice      string  `json:"voice,omitempty"`
	Confidence float64 `json:"confidence"`
	Mention    string  `json:"mention"`
	Context    string  `json:"context"`
}

// StatsRequest narrows and shapes the event and portrayal statistics.
type StatsRequest struct {
	Query string
	Filter
	// By is the period: "day", "week" (default; periods are Mondays) or
	// "month".
	By string
	// Limit is how many entities the portrayal matrix covers, most
	// portrayed first (default 10); Filter.Entity picks one instead.
	Limit int
}

// EventStats counts the events in the matching documents.
type EventStats struct {
	By        string       `json:"by"`
	Documents int          `json:"documents"`
	Events    int          `json:"events"`
	ByType    []FacetCount `json:"by_type"`
	ByMode    []FacetCount `json:"by_mode"`
	// ByPlace counts events by the geonameid of their place (Label = name).
	ByPlace []FacetCount `json:"by_place"`
	// ByDate counts events per period of the event's own date when it
	// names a day, else of its document's publication date.
	ByDate []FacetCount `json:"by_date"`
	// TypeByDate is the period × type matrix (Row = period, Col = type).
	TypeByDate []Cell       `json:"type_by_date"`
	TopActors  []FacetCount `json:"top_actors"`
	TopTargets []FacetCount `json:"top_targets"`
	// TopPairs are the most frequent source → target pairs among events
	// with both, most frequent first.
	TopPairs []EventPair `json:"top_pairs,omitempty"`
}

// EventPair counts the events with one source actor and one target (entity
// ids; the names are for display).
type EventPair struct {
	Actor      string `json:"actor"`
	ActorName  string `json:"actor_name,omitempty"`
	Target     string `json:"target"`
	TargetName string `json:"target_name,omitempty"`
	Count      int    `json:"count"`
}

// PortrayalStats is the outlet × entity portrayal matrix over time, in
// documents (each document counts once per entity, with its aggregate
// label).
type PortrayalStats struct {
	By        string `json:"by"`
	Documents int    `json:"documents"`
	// Entities are the entities covered, with the number of matching
	// documents that portray them.
	Entities []FacetCount `json:"entities"`
	// Rows has one row per period, outlet and entity with any document;
	// Totals one per outlet and entity over all periods.
	Rows   []PortrayalRow `json:"rows"`
	Totals []PortrayalRow `json:"totals"`
}

// Analytics is implemented by corpora that aggregate events and portrayal
// (server/memcorpus, and so the default indexed store corpus).
type Analytics interface {
	EventStats(ctx context.Context, q StatsRequest) (*EventStats, error)
	PortrayalStats(ctx context.Context, q StatsRequest) (*PortrayalStats, error)
}

// PlaceSummary is a resolved place with its mention counts.
type PlaceSummary struct {
	ID        string  `json:"id"` // geonameid
	Name      string  `json:"name"`
	Country   string  `json:"country,omitempty"`
	Lat       float64 `json:"lat"`
	Lon       float64 `json:"lon"`
	Mentions  int     `json:"mentions"`
	Documents int     `json:"documents"`
}

// PlaceDetail is everything the place page shows.
type PlaceDetail struct {
	PlaceSummary
	Aliases     []string     `json:"aliases,omitempty"`
	Timeline    []FacetCount `json:"timeline"`
	Outlets     []FacetCount `json:"outlets"`
	CoOccurring []FacetCount `json:"co_occurring"`
	Documents   []DocSummary `json:"recent_documents"`
}

// OutletSummary is an outlet as listed.
type OutletSummary struct {
	Name      string `json:"name"`
	Documents int    `json:"documents"`
}

// OutletDetail is everything the outlet page shows.
type OutletDetail struct {
	OutletSummary
	Volume     []FacetCount `json:"volume"`
	Techniques []FacetCount `json:"techniques"`
	Speakers   []FacetCount `json:"speakers"`
	Cites      []FacetCount `json:"cites"`
	Documents  []DocSummary `json:"recent_documents"`
}

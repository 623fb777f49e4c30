package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/newslens/newslens/document"
	"github.com/newslens/newslens/store"
	"github.com/newslens/newslens/store/sqlite"
	"github.com/newslens/newslens/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "corpus.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "corpus.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	d := storetest.Doc("https://a.org/x", "A", "T", "Some text that is long enough to store here.", storetest.Day("2020-02-02"))
	if _, err := s.Put(ctx, []*document.Document{d}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path) // migrations already applied: a no-op
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Count(ctx, store.Filter{}); err != nil || n != 1 {
		t.Errorf("after reopen Count = %d, %v", n, err)
	}
}

func BenchmarkPut(b *testing.B) {
	s, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	storetest.BenchPut(b, s)
}

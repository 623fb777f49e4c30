package ner

import (
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/newslens/newslens/internal/testenv"
)

func sharedDir(t testing.TB) string {
	t.Helper()
	return testenv.Shared(t)
}

func TestSpans(t *testing.T) {
	tests := []struct {
		tags []string
		want []Span
	}{
		{[]string{"I-PER", "I-PER", "O", "I-LOC"}, []Span{{0, 2, "PER", 0}, {3, 4, "LOC", 0}}},
		{[]string{"I-LOC", "B-LOC"}, []Span{{0, 1, "LOC", 0}, {1, 2, "LOC", 0}}},
		{[]string{"O", "B-MISC", "I-MISC"}, []Span{{1, 3, "MISC", 0}}},
		{[]string{"B-ORG", "L-ORG", "U-PER"}, []Span{{0, 2, "ORG", 0}, {2, 3, "PER", 0}}},
		{[]string{"X", "I-", "O"}, nil},
	}
	for _, tt := range tests {
		if got := Spans(tt.tags); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Spans(%v) = %v, want %v", tt.tags, got, tt.want)
		}
	}
}

func TestBILOURoundTrip(t *testing.T) {
	spans := []Span{{0, 1, "PER", 0}, {2, 5, "ORG", 0}, {5, 7, "LOC", 0}}
	ls := encodeBILOU(8, spans)
	if got := decode(ls); !reflect.DeepEqual(got, spans) {
		t.Errorf("decode(encode) = %v, want %v", got, spans)
	}
	// every gold sequence is allowed by the transition constraints
	prev := nLabels
	for _, l := range ls {
		if !allowed[prev][l] {
			t.Errorf("gold transition %s → %s not allowed", labelName(prev%nLabels), labelName(l))
		}
		prev = l
	}
	if !canEnd(ls[len(ls)-1]) {
		t.Error("gold sequence cannot end")
	}
}

func TestShape(t *testing.T) {
	tests := map[string]string{"McDonald": "XxXxx", "1996-08-22": "dd-dd-dd", "U.S.": "X.X.", "EU": "XX", "a": "x", "Ærø": "Xxx", "Lee": "Xxx", "Aaron": "Xxx"}
	for in, want := range tests {
		if got := shapeOf(in); got != want {
			t.Errorf("shapeOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDefaultModelTags(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		sent string
		want map[string]string
	}{
		{"Peter Blackburn said the European Commission would meet in Brussels on Monday .",
			map[string]string{"Peter Blackburn": "PER", "European Commission": "ORG", "Brussels": "LOC"}},
		{"German Chancellor Helmut Kohl told Reuters that the Bundesbank was wrong .",
			map[string]string{"German": "MISC", "Helmut Kohl": "PER", "Reuters": "ORG", "Bundesbank": "ORG"}},
	}
	for _, tt := range tests {
		ws := strings.Fields(tt.sent)
		got := map[string]string{}
		for _, s := range m.TagDoc([][]string{ws})[0] {
			got[strings.Join(ws[s.Start:s.End], " ")] = s.Type
			if s.Confidence <= 0 || s.Confidence > 1 {
				t.Errorf("confidence %v", s.Confidence)
			}
		}
		for k, v := range tt.want {
			if got[k] != v {
				t.Errorf("%q: %q tagged %q, want %q (all: %v)", tt.sent, k, got[k], v, got)
			}
		}
	}
}

// TestDevF1 checks the embedded model on CoNLL-2003 valid; the full set
// takes a few seconds, so -short uses the first 60 documents.
func TestDevF1(t *testing.T) {
	docs, err := ReadCoNLLFile(filepath.Join(sharedDir(t), "data/ner/conll2003/valid.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		docs = docs[:60]
	}
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tp, fp, fn := 0, 0, 0
	for _, d := range docs {
		sents := make([][]string, len(d.Sentences))
		for i, s := range d.Sentences {
			sents[i] = s.Words
		}
		for i, got := range m.TagDoc(sents) {
			a, b, c := matchSpans(got, Spans(d.Sentences[i].Tags))
			tp, fp, fn = tp+a, fp+b, fn+c
		}
	}
	f1 := f1Of(tp, fp, fn)
	t.Logf("dev F1 %.4f on %d documents", f1, len(docs))
	if f1 < 0.90 {
		t.Errorf("dev F1 %.4f < 0.90", f1)
	}
}

func TestLoadRejectsGarbage(t *testing.T) {
	for _, s := range []string{"", "not gzip", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"} {
		if _, err := Load(strings.NewReader(s)); err == nil {
			t.Errorf("Load(%q) gave no error", s)
		}
	}
}

func FuzzTagDoc(f *testing.F) {
	m, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("EU rejects German call to boycott British lamb .")
	f.Add("PRESIDENT ASSAD MET PUTIN IN MOSCOW")
	f.Add(strings.Repeat("x", 300) + " Ǆ ( ) « » 北京 Deir ez-Zor")
	f.Fuzz(func(t *testing.T, s string) {
		ws := strings.Fields(s)
		out := m.TagDoc([][]string{ws, ws})
		for _, spans := range out {
			last := 0
			for _, sp := range spans {
				if sp.Start < last || sp.End <= sp.Start || sp.End > len(ws) || typeIndex(sp.Type) < 0 {
					t.Fatalf("bad span %+v in %d words", sp, len(ws))
				}
				last = sp.End
			}
		}
	})
}

// BenchmarkTag measures tagging speed on CoNLL-2003 valid, in tokens per
// second on one core.
func BenchmarkTag(b *testing.B) {
	docs, err := ReadCoNLLFile(filepath.Join(sharedDir(b), "data/ner/conll2003/valid.txt"))
	if err != nil {
		b.Fatal(err)
	}
	m, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	var all [][][]string
	tokens := 0
	for _, d := range docs {
		sents := make([][]string, len(d.Sentences))
		for i, s := range d.Sentences {
			sents[i] = s.Words
			tokens += len(s.Words)
		}
		all = append(all, sents)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuSeconds()
	for i := 0; i < b.N; i++ {
		for _, sents := range all {
			m.TagDoc(sents)
		}
	}
	cpu := cpuSeconds() - cpu0
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
	// the machine is shared, so wall time understates speed; tokens per
	// CPU-second of this process is the per-core figure
	if cpu > 0 {
		b.ReportMetric(float64(tokens)*float64(b.N)/cpu, "tokens/cpu-s")
	}
}

// cpuSeconds is the user+system CPU time of this process so far.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

func TestQuantise(t *testing.T) {
	for _, v := range []float32{1000, 1, -1, 0.5, -0.0031, 0.001, 1e-3 * 1000} {
		got := dequantise(quantise(v, 1000), 1000)
		if d := abs32(got-v) / abs32(v); d > 1e-3 {
			t.Errorf("dequantise(quantise(%v)) = %v", v, got)
		}
	}
	if quantise(1e-5, 1000) != 0 || quantise(0, 1000) != 0 {
		t.Error("weights below the floor must quantise to 0")
	}
}

// BenchmarkLoad measures loading the embedded model and the heap it keeps.
func BenchmarkLoad(b *testing.B) {
	var before, after runtime.MemStats
	for i := 0; i < b.N; i++ {
		runtime.GC()
		runtime.ReadMemStats(&before)
		m, err := LoadFS(ModelFS(), "model/ner.bin.gz")
		if err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(m)
	}
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "heap-bytes")
}

// TestViterbiSteps checks the step structure viterbi's loops are written
// for against the BILOU constraints.
func TestViterbiSteps(t *testing.T) {
	want := map[int][]int8{}
	for _, c := range starts {
		want[int(c)] = outside[:]
	}
	for ty := 0; ty < nTypes; ty++ {
		for _, c := range []int{label(ty, pI), label(ty, pL)} {
			want[c] = []int8{int8(label(ty, pB)), int8(label(ty, pI))}
		}
	}
	if len(want) != nLabels {
		t.Fatalf("steps cover %d labels, want %d", len(want), nLabels)
	}
	for c := 0; c < nLabels; c++ {
		if !reflect.DeepEqual(predecessors[c], want[c]) {
			t.Errorf("predecessors of %s = %v, viterbi assumes %v", labelName(c), predecessors[c], want[c])
		}
	}
}

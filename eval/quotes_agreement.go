package eval

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ReadPolNeARMulti reads the articles of a PolNeAR split that have more
// than one annotator file, each with every annotator's attributions
// (annotators in id order).
func ReadPolNeARMulti(dir string) ([][]QuoteArticle, error) {
	anns, err := filepath.Glob(filepath.Join(dir, "attributions", "*.ann"))
	if err != nil {
		return nil, fmt.Errorf("polnear %s: %w", dir, err)
	}
	by := map[string][]string{}
	for _, a := range anns {
		base := strings.TrimSuffix(filepath.Base(a), ".ann")
		i := strings.LastIndexByte(base, '_')
		if i < 0 {
			continue
		}
		by[base[:i]] = append(by[base[:i]], base[i+1:])
	}
	names := make([]string, 0, len(by))
	for n, who := range by {
		if len(who) > 1 {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out [][]QuoteArticle
	for _, n := range names {
		raw, err := os.ReadFile(filepath.Join(dir, "text", n+".txt"))
		if err != nil {
			return nil, fmt.Errorf("polnear %s: %w", n, err)
		}
		txt := strings.ToValidUTF8(string(raw), "\uFFFD")
		who := by[n]
		sort.Strings(who)
		var arts []QuoteArticle
		for _, w := range who {
			attrs, err := quotesReadAnn(filepath.Join(dir, "attributions", n+"_"+w+".ann"), txt)
			if err != nil {
				return nil, err
			}
			arts = append(arts, QuoteArticle{Name: n, Annotator: w, Text: txt, Attrs: attrs})
		}
		out = append(out, arts)
	}
	return out, nil
}

// QuotesAgreement scores PolNeAR's annotators against each other with the
// same metric as ScoreQuotes: on every article with several annotator
// files, each ordered pair of annotators counts once, one as the system
// and the other as gold (so precision and recall are symmetric overall).
// It is the human ceiling the system figures should be read against.
func QuotesAgreement(ctx context.Context, multi [][]QuoteArticle) (QuotesResult, error) {
	var flat []QuoteArticle
	preds := map[string][]QuoteAttr{}
	for _, arts := range multi {
		for i := range arts {
			for j := range arts {
				if i == j {
					continue
				}
				g := arts[j]
				key := fmt.Sprintf("%s#%s-%s", g.Name, arts[i].Annotator, g.Annotator)
				g.Name = key
				flat = append(flat, g)
				preds[key] = arts[i].Attrs
			}
		}
	}
	res, err := ScoreQuotes(ctx, flat, func(_ context.Context, name, _ string) ([]QuoteAttr, error) {
		return preds[name], nil
	})
	res.Articles = len(multi)
	res.Selection = "annotator agreement: every ordered pair of annotators of the articles with several .ann files"
	return res, err
}

// Command mkworld rebuilds server/static/world.svg, the offline base map of
// the dashboard, from the world-atlas TopoJSON (Natural Earth land, 1:110m)
// in ../shared/data. The projection is equirectangular on a 960×480 canvas,
// matching server.mapChart.
//
//	go run ./server/internal/mkworld [-in ../shared/data/geo/naturalearth/world-atlas/land-110m.json] [-out server/static/world.svg]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"strconv"
	"strings"
)

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Objects map[string]struct {
		Geometries []struct {
			Type string          `json:"type"`
			Arcs json.RawMessage `json:"arcs"`
		} `json:"geometries"`
	} `json:"objects"`
	Arcs [][][2]float64 `json:"arcs"`
}

func main() {
	in := flag.String("in", "../shared/data/geo/naturalearth/world-atlas/land-110m.json", "world-atlas TopoJSON")
	out := flag.String("out", "server/static/world.svg", "output SVG")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

func run(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	// Decode the delta-encoded, quantised arcs into lon/lat.
	arcs := make([][][2]float64, len(t.Arcs))
	for i, a := range t.Arcs {
		var x, y float64
		pts := make([][2]float64, len(a))
		for j, p := range a {
			x += p[0]
			y += p[1]
			pts[j] = [2]float64{x*t.Transform.Scale[0] + t.Transform.Translate[0], y*t.Transform.Scale[1] + t.Transform.Translate[1]}
		}
		arcs[i] = pts
	}
	var d strings.Builder
	ring := func(idx []int) {
		var pts [][2]float64
		for k, ai := range idx {
			var a [][2]float64
			if ai >= 0 {
				a = arcs[ai]
			} else {
				src := arcs[^ai]
				a = make([][2]float64, len(src))
				for i := range src {
					a[i] = src[len(src)-1-i]
				}
			}
			if k > 0 && len(a) > 0 {
				a = a[1:]
			}
			pts = append(pts, a...)
		}
		lastX, lastY := "", ""
		for i, p := range pts {
			x := strconv.FormatFloat((p[0]+180)/360*960, 'f', 1, 64)
			y := strconv.FormatFloat((90-p[1])/180*480, 'f', 1, 64)
			if x == lastX && y == lastY {
				continue
			}
			if i == 0 {
				d.WriteString("M")
			} else {
				d.WriteString("L")
			}
			d.WriteString(x + " " + y)
			lastX, lastY = x, y
		}
		d.WriteString("Z")
	}
	for _, obj := range t.Objects {
		for _, g := range obj.Geometries {
			switch g.Type {
			case "Polygon":
				var rings [][]int
				if err := json.Unmarshal(g.Arcs, &rings); err != nil {
					return err
				}
				for _, r := range rings {
					ring(r)
				}
			case "MultiPolygon":
				var polys [][][]int
				if err := json.Unmarshal(g.Arcs, &polys); err != nil {
					return err
				}
				for _, p := range polys {
					for _, r := range p {
						ring(r)
					}
				}
			}
		}
	}
	// No stroke: rings cut at the antimeridian have edges along x=0 and
	// x=960 and zero-height closing edges that a stroke would draw as lines.
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 960 480" width="960" height="480">` +
		`<!-- Made with Natural Earth (public domain), via world-atlas land-110m (ISC). Regenerate: go run ./server/internal/mkworld -->` +
		`<rect width="960" height="480" fill="#dbe9f6"/>` +
		`<path fill="#f4f1ea" fill-rule="evenodd" d="` + d.String() + `"/></svg>` + "\n"
	return os.WriteFile(out, []byte(svg), 0o644)
}

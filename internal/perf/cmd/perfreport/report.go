package main

import (
	"fmt"
	"math"
	"strings"
)

// A row of the measurement tables: one implementation on one payload.
type row struct {
	Key   string // stat key
	Label string // what is timed
}

// An area of the report: its rows for each payload (the payload name
// replaces {p} in the keys), and its comparisons.
type area struct {
	Title    string
	Intro    string
	Payloads []string // nil: one row per key, no payload
	Rows     []row
	Cmps     []cmp
}

// Ratio directions.
const (
	otherOverOurs = iota // their time / our time: how many times faster we are
	oursOverOther        // our time / their time: how many times slower we are
)

// A comparison of our row with another, per payload when the area has
// payloads.
type cmp struct {
	Name   string // "open vs Flask 3.1"
	Ours   string // key
	Other  string // key
	Way    int
	Target float64 // 0: no target, a reference only
	// Targets per payload, overriding Target.
	PerPayload map[string]float64
	Goal       string // the target in words
	RatioOf    string // what the ratio divides, when not times
}

// A result is a comparison on one payload.
type result struct {
	Area, Name, Payload string
	Ours, Other         *Stat
	OursKey, OtherKey   string
	Way                 int
	Target              float64
	Goal                string
	RatioOf             string
	Ratio, Lo, Hi       float64 // in the direction of Way: median, and the extremes of the spread
	Why                 string  // why there is no figure
}

func (r *result) measured() bool { return r.Why == "" }

// compute fills the ratio and its spread: the median ratio is the ratio
// of the medians; the spread goes from the worst pairing of the extremes
// of both sides to the best.
func (r *result) compute() {
	o, t := r.Ours, r.Other
	if o == nil || o.N() == 0 {
		if r.Why == "" {
			r.Why = "not measured"
		}
		return
	}
	if t == nil || t.N() == 0 {
		if r.Why == "" {
			r.Why = "not measured"
		}
		return
	}
	if r.Way == otherOverOurs {
		r.Ratio = t.Median() / o.Median()
		r.Lo, r.Hi = t.Min()/o.Max(), t.Max()/o.Min()
	} else {
		r.Ratio = o.Median() / t.Median()
		r.Lo, r.Hi = o.Min()/t.Max(), o.Max()/t.Min()
	}
}

// Speed is how many times faster ours is (their time / our time), and the
// target in the same terms, for the chart.
func (r *result) Speed() (median, lo, hi, target float64) {
	if r.Way == otherOverOurs {
		return r.Ratio, r.Lo, r.Hi, r.Target
	}
	t := 0.0
	if r.Target > 0 {
		t = 1 / r.Target
	}
	return 1 / r.Ratio, 1 / r.Hi, 1 / r.Lo, t
}

// Status says whether the target is met, at the median and across the
// spread, in the terms of Speed.
func (r *result) Status() string {
	if !r.measured() {
		return r.Why
	}
	if r.Target == 0 {
		return "reference"
	}
	m, lo, hi, t := r.Speed()
	switch {
	case lo >= t:
		return "met"
	case m >= t:
		return "met at the median; the spread crosses the target"
	case hi >= t:
		return "not met at the median; the spread crosses the target"
	}
	return "not met"
}

// Met reports whether the median meets the target.
func (r *result) Met() bool {
	m, _, _, t := r.Speed()
	return r.measured() && r.Target > 0 && m >= t
}

func (r *result) TargetText() string {
	if r.Target == 0 {
		return "-"
	}
	if r.Way == otherOverOurs {
		return "≥ " + fmtRatio(r.Target)
	}
	return "≤ " + fmtRatio(r.Target)
}

// results computes every comparison of the areas.
func results(areas []area, stats map[string]*Stat, why func(key, payload string) string) []*result {
	var out []*result
	for _, a := range areas {
		payloads := a.Payloads
		if payloads == nil {
			payloads = []string{""}
		}
		for _, c := range a.Cmps {
			for _, p := range payloads {
				ours, other := expand(c.Ours, p), expand(c.Other, p)
				r := &result{
					Area: a.Title, Name: c.Name, Payload: p,
					Ours: stats[ours], Other: stats[other], OursKey: ours, OtherKey: other,
					Way: c.Way, Target: c.Target, Goal: c.Goal, RatioOf: c.RatioOf,
				}
				if t, ok := c.PerPayload[p]; ok {
					r.Target = t
				}
				r.Why = why(other, p)
				r.compute()
				out = append(out, r)
			}
		}
	}
	return out
}

func expand(key, payload string) string { return strings.ReplaceAll(key, "{p}", payload) }

// markdown helpers

func table(b *strings.Builder, head []string, rows [][]string) {
	b.WriteString("| " + strings.Join(head, " | ") + " |\n")
	seps := make([]string, len(head))
	for i := range seps {
		seps[i] = "---"
	}
	b.WriteString("| " + strings.Join(seps, " | ") + " |\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	b.WriteString("\n")
}

// measurementRows are the rows of an area's measurement table.
func measurementRows(a area, stats map[string]*Stat) [][]string {
	var rows [][]string
	payloads := a.Payloads
	if payloads == nil {
		payloads = []string{""}
	}
	for _, p := range payloads {
		for _, r := range a.Rows {
			s := stats[expand(r.Key, p)]
			cells := []string{r.Label}
			if a.Payloads != nil {
				cells = append(cells, p)
			}
			if s == nil || s.N() == 0 {
				cells = append(cells, "-", "-", "-", "-", "-", "-")
			} else {
				bytes, allocs := "-", "-"
				if s.HasAllocs {
					bytes, allocs = fmtCount(median(s.Bytes)), fmtCount(median(s.Allocs))
				}
				wall := "-"
				if len(s.Wall) > 0 {
					wall = fmtNs(median(s.Wall)) + " (" + fmtRange(minOf(s.Wall), maxOf(s.Wall)) + ")"
				}
				cells = append(cells, fmtNs(s.Median()), fmtRange(s.Min(), s.Max()), wall, fmt.Sprint(s.N()), bytes, allocs)
			}
			rows = append(rows, cells)
		}
	}
	return rows
}

// wallRatioCell is the ratio of the wall-clock medians, in the direction
// of the comparison.
func wallRatioCell(r *result) string {
	if !r.measured() || len(r.Ours.Wall) == 0 || len(r.Other.Wall) == 0 {
		return "-"
	}
	o, t := median(r.Ours.Wall), median(r.Other.Wall)
	if r.Way == otherOverOurs {
		return fmtRatio(t / o)
	}
	return fmtRatio(o / t)
}

func ratioCell(r *result) string {
	if !r.measured() {
		return "-"
	}
	// A ratio that rounds to its target is shown with one more digit, so
	// that the figure agrees with the status.
	if r.Target > 0 && r.Ratio < 10 && fmtRatio(r.Ratio) == fmtRatio(r.Target) && r.Ratio != r.Target {
		for d := 3; ; d++ {
			if a, b := fmt.Sprintf("%.*f", d, r.Ratio), fmt.Sprintf("%.*f", d, r.Target); a != b || d == 6 {
				return a + "×"
			}
		}
	}
	return fmtRatio(r.Ratio)
}

func spreadCell(r *result) string {
	if !r.measured() || math.IsNaN(r.Lo) {
		return "-"
	}
	return fmtRatio(r.Lo) + " – " + fmtRatio(r.Hi)
}

// Command perfreport reads the raw figures of a `make bench` run
// (scripts/bench.sh) and writes docs/performance.md with its chart: the
// Go benchmarks' output (go.txt) and benchstat's summary of it, the Python
// samples of scripts/bench_py.py (py.jsonl), the end-to-end runs of
// scripts/bench_e2e.sh (e2e/) and the run's metadata (meta.txt). It also
// checks that both sides encoded the same bytes, and prints the summary.
//
//	perfreport -root . -in artifacts/bench -doc docs/performance.md
package main

import (
	"bufio"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/flaskbridge/flaskbridge/internal/perf"
)

func main() {
	root := flag.String("root", ".", "the repository")
	in := flag.String("in", "artifacts/bench", "the run's raw output")
	doc := flag.String("doc", "docs/performance.md", "the document to write; the chart goes beside it as .png")
	flag.Parse()
	if err := run(*root, *in, *doc); err != nil {
		fmt.Fprintln(os.Stderr, "perfreport:", err)
		os.Exit(1)
	}
}

// run holds everything the document shows.
type report struct {
	meta        map[string]string
	stats       map[string]*Stat
	goCPU       string
	py          map[string]pyMeta
	e2eMeta     map[string]string
	e2e         []*e2eServer
	areas       []area
	results     []*result
	e2eRes      []*result
	same        [][]string // byte-identity checks
	peerWhy     map[string]string
	peerNotes   []string
	payloadRows [][]string
	benchtxt    string
	versions    [][]string
}

func run(root, in, doc string) error {
	r := &report{stats: map[string]*Stat{}, peerWhy: map[string]string{}}
	var err error
	if r.meta, err = readMeta(filepath.Join(in, "meta.txt")); err != nil {
		return err
	}
	if r.goCPU, err = readGo(filepath.Join(in, "go.txt"), r.stats); err != nil {
		return err
	}
	if r.py, err = readPy(filepath.Join(in, "py.jsonl"), r.stats); err != nil {
		return err
	}
	if b, err := os.ReadFile(filepath.Join(in, "benchstat.txt")); err == nil {
		r.benchtxt = string(b)
	}
	if _, err := os.Stat(filepath.Join(in, "e2e", "meta.txt")); err == nil {
		if r.e2eMeta, r.e2e, err = readE2E(filepath.Join(in, "e2e")); err != nil {
			return err
		}
	}
	payloads, err := perf.LoadAll(root)
	if err != nil {
		return err
	}
	for _, p := range payloads {
		if err := p.RoundTrip(); err != nil {
			return err
		}
	}
	r.describePayloads(payloads)
	r.checkSame(payloads)
	r.checkPeers(payloads)
	r.areas = reportAreas()
	r.results = results(r.areas, r.stats, func(key, p string) string { return r.peerWhy[key+"|"+p] })
	r.e2eResults()
	r.versions = r.collectVersions(root)

	chart := strings.TrimSuffix(doc, filepath.Ext(doc)) + ".png"
	if err := drawChart(chart, "flaskbridge: speed against each comparison ("+r.meta["date"]+")", r.bars()); err != nil {
		return err
	}
	md := r.markdown(filepath.Base(chart))
	if err := os.WriteFile(doc, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Print(r.summaryText())
	fmt.Printf("\nwrote %s and %s\n", doc, chart)
	return nil
}

// describePayloads lists the sizes of each payload in each form.
func (r *report) describePayloads(payloads []*perf.Payload) {
	for _, p := range payloads {
		z := "no"
		if p.Compressed {
			z = fmt.Sprintf("yes (JSON %d → zlib %d bytes)", len(p.JSON), len(p.Deflated))
		}
		r.payloadRows = append(r.payloadRows, []string{p.Name, fmt.Sprint(p.Value.Len()),
			fmt.Sprint(len(p.Cookie)), z, fmt.Sprint(len(p.Pickle)), fmt.Sprint(len(p.Msgpack))})
	}
}

// checkSame compares what the Python encoders wrote with the Go side's
// bytes for each payload.
func (r *report) checkSame(payloads []*perf.Payload) {
	type check struct {
		suite, key, what string
		ours             func(p *perf.Payload) string
	}
	checks := []check{
		{"cookie", "cookie", "cookie: Flask 3.1's dumps and flaskcookie's EncodeAt", func(p *perf.Payload) string { return p.Cookie }},
		{"pickle", "pickle", "pickle: CPython's dumps(loads(data), 4), the payload file and pickle.Marshal", func(p *perf.Payload) string {
			return base64.StdEncoding.EncodeToString(p.Pickle)
		}},
		{"msgspec", "msgpack", "msgpack: Python msgspec and msgspec.MarshalMsgpack", func(p *perf.Payload) string {
			return base64.StdEncoding.EncodeToString(p.Msgpack)
		}},
	}
	for _, c := range checks {
		m, ok := r.py[c.suite]
		cells := []string{c.what}
		for _, p := range payloads {
			switch got, have := m.Outputs[c.key+"/"+p.Name]; {
			case !ok || !have:
				cells = append(cells, "not run")
			case got == c.ours(p):
				cells = append(cells, "identical")
			default:
				cells = append(cells, "**differ**")
			}
		}
		r.same = append(r.same, cells)
	}
}

// checkPeers notes the payloads a peer library cannot load or encode.
func (r *report) checkPeers(payloads []*perf.Payload) {
	keys := map[string][]string{
		"gopickle": {"perf/GopickleDecode/"},
		"og-rek":   {"perf/OgrekDecode/", "perf/OgrekEncode/"},
	}
	for _, peer := range perf.Peers {
		for _, p := range payloads {
			err := peer.Check(p)
			if err == nil {
				continue
			}
			why := "n/a: " + peer.Name + " cannot load this pickle"
			if !errors.Is(err, perf.ErrCannotLoad) {
				why = "n/a: " + peer.Name + " cannot encode this value"
			}
			for _, k := range keys[peer.Name] {
				if errors.Is(err, perf.ErrCannotLoad) || strings.Contains(k, "Encode") {
					r.peerWhy[k+p.Name+"|"+p.Name] = why
				}
			}
			note := fmt.Sprintf("%s on %s: `%s`", peer.Name, p.Name, firstLine(err.Error()))
			if hint := peerHint(err.Error()); hint != "" {
				note += " (" + hint + ")"
			}
			r.peerNotes = append(r.peerNotes, note)
		}
	}
}

// peerHint explains the failures of the pinned peers on these payloads.
func peerHint(msg string) string {
	switch {
	case strings.Contains(msg, "opcode 129"):
		return "opcode 129 is NEWOBJ, which CPython writes for the uuid.UUID; the BUILD that follows it is not implemented in og-rek either"
	case strings.Contains(msg, `Name:"timedelta"`):
		return "the datetime's tzinfo, datetime.timezone(datetime.timedelta(0)), is a REDUCE of a class gopickle does not know as callable"
	}
	return ""
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// e2eResults turns the end-to-end runs into stats and comparisons: the
// time per request of the whole server (1 / requests per second), p50,
// p99 and CPU per request.
func (r *report) e2eResults() {
	for _, s := range r.e2e {
		r.stats["e2e/"+s.Name+"/per-request"] = s.stat(func(x e2eRun) float64 { return 1e9 / x.RPS })
		r.stats["e2e/"+s.Name+"/per-request"].wallToo()
		r.stats["e2e/"+s.Name+"/rps"] = s.stat(func(x e2eRun) float64 { return x.RPS })
		r.stats["e2e/"+s.Name+"/p50"] = s.stat(func(x e2eRun) float64 { return x.P50 })
		r.stats["e2e/"+s.Name+"/p99"] = s.stat(func(x e2eRun) float64 { return x.P99 })
		r.stats["e2e/"+s.Name+"/p50"].wallToo()
		r.stats["e2e/"+s.Name+"/p99"].wallToo()
		r.stats["e2e/"+s.Name+"/cpu"] = s.stat(func(x e2eRun) float64 { return x.CPUPerReq })
	}
	a := area{Title: "End to end"}
	// The example as config.toml sets it ("go", always compared, against
	// the targets) and the variants the run measured, for reference
	// (gotwo: SHARED_LOGIN_REFRESH_ON_LOAD=false, the library's default).
	for _, v := range []struct {
		server, suffix string
		targeted       bool
	}{{"go", "", true}, {"gotwo", ", two round trips", false}} {
		if v.server != "go" && r.stats["e2e/"+v.server+"/rps"] == nil {
			continue
		}
		g := "e2e/" + v.server + "/"
		rps := cmp{Name: "requests/s vs the Flask twin" + v.suffix, Ours: g + "per-request", Other: "e2e/flask/per-request", Way: otherOverOurs,
			RatioOf: "our requests/s / theirs"}
		p99 := cmp{Name: "p99 latency vs the Flask twin" + v.suffix, Ours: g + "p99", Other: "e2e/flask/p99", Way: oursOverOther}
		if v.targeted {
			rps.Target, rps.Goal = 10, "end to end ≥ 10× the Flask twin's requests/s"
			p99.Target, p99.Goal = 1, "… at equal or better p99"
		}
		a.Cmps = append(a.Cmps, rps, p99,
			cmp{Name: "p50 latency vs the Flask twin" + v.suffix, Ours: g + "p50", Other: "e2e/flask/p50", Way: oursOverOther},
			cmp{Name: "CPU per request vs the Flask twin" + v.suffix, Ours: g + "cpu", Other: "e2e/flask/cpu", Way: otherOverOurs,
				RatioOf: "their CPU per request / ours"},
		)
	}
	why := func(string, string) string {
		if r.e2eMeta == nil {
			if why := r.meta["e2e_skipped"]; why != "" {
				return why
			}
			return "not run"
		}
		return ""
	}
	r.e2eRes = results([]area{a}, r.stats, why)
}

// bars are the chart's rows: every comparison with a target, then the
// references.
func (r *report) bars() []bar {
	var out []bar
	for _, res := range append(append([]*result(nil), r.results...), r.e2eRes...) {
		label := res.Name
		if res.Payload != "" {
			label = res.Payload + ": " + label
		}
		b := bar{Section: res.Area, Label: label}
		if res.measured() {
			b.Speed, b.Lo, b.Hi, b.Target = res.Speed()
			b.HasTarget = res.Target > 0
			b.Met = res.Met()
		}
		out = append(out, b)
	}
	return out
}

// collectVersions lists the versions of everything timed.
func (r *report) collectVersions(root string) [][]string {
	v := [][]string{{"Go", strings.TrimPrefix(r.meta["go"], "go version ")}}
	if m, ok := r.py["cookie"]; ok {
		v = append(v, []string{"Python (cookie, pickle)", m.Python + " (" + m.Implementation + ", " + relTo(root, m.Executable) + ")"})
		for _, p := range []string{"flask", "werkzeug", "itsdangerous"} {
			v = append(v, []string{p, m.Packages[p]})
		}
	}
	if m, ok := r.py["msgspec"]; ok {
		v = append(v, []string{"Python (msgspec)", m.Python + " (" + relTo(root, m.Executable) + ")"})
		v = append(v, []string{"msgspec", m.Packages["msgspec"]})
	}
	for _, path := range []string{
		"github.com/nlpodyssey/gopickle",
		"github.com/kisielk/og-rek",
		"github.com/vmihailenco/msgpack/v5",
		"github.com/alexedwards/scs/v2",
		"github.com/alexedwards/scs/goredisstore",
		"github.com/redis/go-redis/v9",
	} {
		v = append(v, []string{path, requiredVersion(filepath.Join(root, "internal", "perf", "go.mod"), path)})
	}
	if b := r.meta["benchstat"]; b != "" {
		v = append(v, []string{"benchstat", b})
	}
	for _, k := range []string{"redis", "wrk", "gunicorn"} {
		if x := r.e2eMeta[k]; x != "" {
			v = append(v, []string{k, x})
		}
	}
	return v
}

func relTo(root, p string) string {
	if rel, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// requiredVersion finds the version of module path in a go.mod file.
func requiredVersion(gomod, path string) string {
	f, err := os.Open(gomod)
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "require "))
		if len(fields) >= 2 && fields[0] == path {
			return fields[1]
		}
	}
	return "?"
}

// machine describes the machine the run was on.
func machine() [][]string {
	model := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	mem := "?"
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kb float64
				fmt.Sscan(v, &kb)
				mem = fmt.Sprintf("%.0f GiB", kb/(1<<20))
			}
		}
	}
	kernel := "?"
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		kernel = strings.TrimSpace(string(b))
	}
	return [][]string{
		{"CPU", model},
		{"cores (nproc)", fmt.Sprint(runtime.NumCPU())},
		{"memory", mem},
		{"kernel", runtime.GOOS + " " + kernel},
	}
}

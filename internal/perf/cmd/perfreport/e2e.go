package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// e2eRun is one wrk run against one server.
type e2eRun struct {
	Requests  float64
	Seconds   float64
	RPS       float64
	P50, P99  float64 // ns
	Non2xx    float64
	Errors    string  // wrk's socket errors line, if any
	CPUPerReq float64 // ns of server CPU (user+system) per request
}

// e2eServer gathers the runs of one server.
type e2eServer struct {
	Name string
	Runs []e2eRun
}

func (s *e2eServer) stat(f func(e2eRun) float64) *Stat {
	st := &Stat{}
	for _, r := range s.Runs {
		st.Samples = append(st.Samples, f(r))
	}
	return st
}

var (
	wrkRequests = regexp.MustCompile(`(\d+) requests in ([\d.]+)(us|ms|s|m),`)
	wrkPercent  = regexp.MustCompile(`^\s*(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$`)
	wrkNon2xx   = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
)

func unitNs(v float64, unit string) float64 {
	switch unit {
	case "us":
		return v * 1e3
	case "ms":
		return v * 1e6
	case "s":
		return v * 1e9
	case "m":
		return v * 60e9
	}
	return v
}

// readWrk parses wrk --latency output.
func readWrk(file string) (e2eRun, error) {
	var r e2eRun
	f, err := os.Open(file)
	if err != nil {
		return r, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if m := wrkRequests.FindStringSubmatch(line); m != nil {
			r.Requests, _ = strconv.ParseFloat(m[1], 64)
			d, _ := strconv.ParseFloat(m[2], 64)
			r.Seconds = unitNs(d, m[3]) / 1e9
		}
		if m := wrkPercent.FindStringSubmatch(line); m != nil {
			v, _ := strconv.ParseFloat(m[2], 64)
			if m[1] == "50" {
				r.P50 = unitNs(v, m[3])
			} else {
				r.P99 = unitNs(v, m[3])
			}
		}
		if m := wrkNon2xx.FindStringSubmatch(line); m != nil {
			r.Non2xx, _ = strconv.ParseFloat(m[1], 64)
		}
		if strings.Contains(line, "Socket errors:") {
			r.Errors = strings.TrimSpace(line)
		}
	}
	if r.Requests == 0 || r.Seconds == 0 {
		return r, fmt.Errorf("%s: no request count in wrk's output", file)
	}
	r.RPS = r.Requests / r.Seconds
	return r, sc.Err()
}

// readE2E reads the directory scripts/bench_e2e.sh writes: meta.txt, and
// for each server and run <server>-<run>.wrk and <server>-<run>.cpu (the
// CPU ticks its processes used during the run, and the ticks per second).
func readE2E(dir string) (map[string]string, []*e2eServer, error) {
	meta, err := readMeta(filepath.Join(dir, "meta.txt"))
	if err != nil {
		return nil, nil, err
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.wrk"))
	sort.Strings(files)
	byName := map[string]*e2eServer{}
	var servers []*e2eServer
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".wrk")
		name, _, _ := strings.Cut(base, "-")
		r, err := readWrk(f)
		if err != nil {
			return nil, nil, err
		}
		cpu, err := os.ReadFile(strings.TrimSuffix(f, ".wrk") + ".cpu")
		if err != nil {
			return nil, nil, err
		}
		var ticks, hz float64
		if _, err := fmt.Sscan(string(cpu), &ticks, &hz); err != nil || hz == 0 {
			return nil, nil, fmt.Errorf("%s.cpu: want ticks and ticks per second", base)
		}
		r.CPUPerReq = ticks / hz * 1e9 / r.Requests
		s := byName[name]
		if s == nil {
			s = &e2eServer{Name: name}
			byName[name] = s
			servers = append(servers, s)
		}
		s.Runs = append(s.Runs, r)
	}
	// The Go servers first, "go" (the example as config.toml sets it) before its
	// variants.
	rank := func(name string) int {
		switch {
		case name == "go":
			return 0
		case strings.HasPrefix(name, "go"):
			return 1
		}
		return 2
	}
	sort.SliceStable(servers, func(i, j int) bool { return rank(servers[i].Name) < rank(servers[j].Name) })
	return meta, servers, nil
}

// readMeta reads key=value lines.
func readMeta(file string) (map[string]string, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m, nil
}

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

// pyMeta is the "meta" line scripts/bench_py.py writes for each suite.
type pyMeta struct {
	Suite          string            `json:"suite"`
	Python         string            `json:"python"`
	Implementation string            `json:"implementation"`
	Executable     string            `json:"executable"`
	Packages       map[string]string `json:"packages"`
	Outputs        map[string]string `json:"outputs"`
}

type pySample struct {
	Kind    string   `json:"kind"`
	Group   string   `json:"group"`
	Op      string   `json:"op"`
	Payload string   `json:"payload"`
	NS      float64  `json:"ns"`
	CPUNS   *float64 `json:"cpu_ns"` // absent from samples older than the CPU time
}

// readPy reads the samples of scripts/bench_py.py into stats keyed by
// "py/<group>/<op>/<payload>" (the CPU time per call as the sample, the
// wall-clock time beside it; a sample without the CPU time counts its
// wall-clock time, as readGo does), and the last meta line of each suite.
func readPy(file string, into map[string]*Stat) (map[string]pyMeta, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	metas := map[string]pyMeta{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var s pySample
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n, err)
		}
		switch s.Kind {
		case "meta":
			var m pyMeta
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", file, n, err)
			}
			metas[m.Suite] = m
		case "sample":
			key := "py/" + s.Group + "/" + s.Op + "/" + s.Payload
			st := into[key]
			if st == nil {
				st = &Stat{}
				into[key] = st
			}
			cpu := s.NS
			if s.CPUNS != nil {
				cpu = *s.CPUNS
			}
			st.Samples = append(st.Samples, cpu)
			st.Wall = append(st.Wall, s.NS)
		}
	}
	return metas, sc.Err()
}

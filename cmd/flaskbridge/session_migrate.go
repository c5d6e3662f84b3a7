package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/flaskbridge/flaskbridge/flasksession"
	"github.com/flaskbridge/flaskbridge/flasksession/storeurl"
	"github.com/flaskbridge/flaskbridge/pickle"
)

// session migrate: every entry of a store rewritten in another format,
// atomically per key, keeping its time to live.

// migrateRetries is how often a key whose value changed between the read
// and the swap is read again before it counts as failed.
const migrateRetries = 5

// progressInterval is how often the plain progress line is written when
// stderr is not a terminal.
const progressInterval = 5 * time.Second

func runSessionMigrate(e *env, c *command, args []string) error {
	fs := newFlagSet(c)
	sf := defineStoreFlags(fs)
	to := fs.String("to", "", "the `FORMAT` to convert to: msgpack, json or pickle")
	dryRun := fs.Bool("dry-run", false, "read and convert every session, write nothing")
	pattern := fs.String("pattern", "*", "convert the sessions whose id matches `GLOB` only")
	protocol := fs.Int64("pickle-protocol", 4, "the pickle `PROTOCOL` of --to pickle, 0 to 5")
	markupAsStr := fs.Bool("markup-as-str", false, "write markupsafe.Markup values as str in msgpack and JSON, where\nmsgspec refuses them")
	pos, err := e.parse(c, fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("unexpected argument %q", pos[0])
	}
	if *to == "" {
		return usageErrorf("--to is required: msgpack, json or pickle")
	}
	format, ok := serializerFormat(*to)
	if !ok {
		return usageErrorf("unknown --to %q: msgpack, json or pickle", *to)
	}
	if *protocol < 0 || *protocol > 5 {
		return usageErrorf("--pickle-protocol %d out of range: 0 to 5", *protocol)
	}
	if err := checkGlob(*pattern); err != nil {
		return usageErrorf("--pattern %q: %v", *pattern, err)
	}
	o, prefix, err := e.openStore(fs, sf, nil)
	if err != nil {
		return err
	}
	defer o.Close()
	if err := canMigrate(o); err != nil {
		return err
	}
	sids, err := listSIDs(e, o, prefix, *pattern, "migrate")
	if err != nil {
		return err
	}
	proto := int(*protocol)
	if proto == 0 {
		proto = pickle.TextProtocol
	}
	mg := &migration{
		store:    o.Store,
		cas:      o.Store.(flasksession.CompareAndSwapper),
		to:       format,
		write:    flasksession.Serializer{Format: format, PickleProtocol: proto, MarkupAsStr: *markupAsStr},
		dryRun:   *dryRun,
		progress: newProgress(e.stderr, c.name, len(sids)),
	}
	keys := make([]string, len(sids))
	for i, s := range sids {
		keys[i] = prefix + s
	}
	if err := mg.run(e.ctx, keys); err != nil {
		return err
	}
	return mg.report(e.stdout)
}

// canMigrate refuses the stores a migration cannot run on, saying why.
func canMigrate(o *storeurl.Opened) error {
	if _, ok := o.Store.(flasksession.PickleStore); ok {
		return usageErrorf("the filesystem store holds pickles only: cachelib pickles the session dict itself under every Flask-Session version, whatever SESSION_SERIALIZATION_FORMAT says, so there is nothing to convert")
	}
	if _, ok := o.Store.(flasksession.Lister); !ok {
		return usageErrorf("the %s store cannot be migrated: %s", o.Options.Type, whyNoList(o))
	}
	if _, ok := o.Store.(flasksession.CompareAndSwapper); !ok {
		return usageErrorf("the %s store cannot be migrated: it cannot replace a value atomically (compare-and-swap)", o.Options.Type)
	}
	return nil
}

// outcome is what became of one key.
type outcome int

const (
	converted outcome = iota
	already
	failed
	gone
)

// migration converts the entries of a store.
type migration struct {
	store    flasksession.Store
	cas      flasksession.CompareAndSwapper
	to       flasksession.Format
	write    flasksession.Serializer
	dryRun   bool
	progress *progress

	total    int
	counts   [4]int
	failures []string // "KEY: reason"
}

// run converts every key, in order. It stops at a store failure or when
// ctx ends.
func (mg *migration) run(ctx context.Context, keys []string) error {
	mg.total = len(keys)
	// Reading tries the target format first, then the others (Flask-Session
	// 0.7+'s order), so a value already converted is seen as such.
	read := flasksession.Serializer{Format: mg.to}
	for i, key := range keys {
		if err := ctx.Err(); err != nil {
			mg.progress.finish()
			return fmt.Errorf("interrupted after %d of %d sessions (%s)", i, len(keys), mg.tally())
		}
		out, reason, err := mg.one(ctx, read, key)
		if err != nil {
			mg.progress.finish()
			return fmt.Errorf("after %d of %d sessions (%s): %w", i, len(keys), mg.tally(), err)
		}
		mg.counts[out]++
		if out == failed {
			mg.failures = append(mg.failures, fmt.Sprintf("%q: %s", key, reason))
		}
		mg.progress.update(i+1, mg.tally)
	}
	mg.progress.finish()
	return nil
}

// one converts the entry of key. A store failure is an error; a value that
// cannot be converted is the outcome failed, with the reason.
func (mg *migration) one(ctx context.Context, read flasksession.Serializer, key string) (outcome, string, error) {
	for attempt := 0; attempt < migrateRetries; attempt++ {
		raw, found, err := mg.store.Load(ctx, key)
		if err != nil {
			return 0, "", fmt.Errorf("%w: loading %q: %w", flasksession.ErrStore, key, err)
		}
		if !found || len(raw) == 0 {
			// An empty value is no session to Flask-Session 0.7+ (and
			// redisstore already answers it as absent): gone, in every
			// store alike.
			return gone, "", nil
		}
		d, f, err := read.Decode(raw)
		if err != nil {
			return failed, oneLine(err.Error()), nil
		}
		if f == mg.to {
			return already, "", nil
		}
		data, err := mg.write.Encode(d)
		if err != nil {
			return failed, oneLine(err.Error()), nil
		}
		if mg.dryRun {
			return converted, "", nil
		}
		swapped, err := mg.cas.CompareAndSwap(ctx, key, raw, data, flasksession.KeepTTL)
		if err != nil {
			return 0, "", fmt.Errorf("%w: rewriting %q: %w", flasksession.ErrStore, key, err)
		}
		if swapped {
			return converted, "", nil
		}
		// Another writer replaced or removed the value since it was read:
		// read it again.
	}
	return failed, fmt.Sprintf("changed by another writer %d times while being converted", migrateRetries), nil
}

// tally is the counts so far, for progress and error lines.
func (mg *migration) tally() string {
	verb := "converted"
	if mg.dryRun {
		verb = "would convert"
	}
	return fmt.Sprintf("%s %d, already %s %d, failed %d, gone %d",
		verb, mg.counts[converted], mg.to, mg.counts[already], mg.counts[failed], mg.counts[gone])
}

// report prints the failures and the counts, and returns an error when a
// session failed.
func (mg *migration) report(w io.Writer) error {
	var b strings.Builder
	for _, f := range mg.failures {
		fmt.Fprintf(&b, "cannot convert %s\n", f)
	}
	verb := "converted to"
	if mg.dryRun {
		verb = "would convert to"
	}
	fmt.Fprintf(&b, "sessions: %d\n%s %s: %d\nalready %s: %d\nfailed: %d\ngone: %d\n",
		mg.total, verb, mg.to, mg.counts[converted], mg.to, mg.counts[already], mg.counts[failed], mg.counts[gone])
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if n := mg.counts[failed]; n > 0 {
		return fmt.Errorf("%d of %d sessions could not be converted to %s (listed on stdout)", n, mg.total, mg.to)
	}
	return nil
}

// progress shows how far a long run is: a bar redrawn in place on a
// terminal, else a plain line now and then.
type progress struct {
	w        io.Writer
	name     string
	total    int
	tty      bool
	interval time.Duration
	now      func() time.Time
	start    time.Time
	last     time.Time
	drawn    bool
}

func newProgress(w io.Writer, name string, total int) *progress {
	p := &progress{w: w, name: name, total: total, tty: isTerminal(w), interval: progressInterval, now: time.Now}
	if p.tty {
		p.interval = 100 * time.Millisecond
	}
	p.start = p.now()
	p.last = p.start
	return p
}

// isTerminal reports whether w is a character device, a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update reports done of total keys; tally gives the counts, called only
// when a line is written.
func (p *progress) update(done int, tally func() string) {
	t := p.now()
	if t.Sub(p.last) < p.interval && done != p.total {
		return
	}
	if !p.tty && done == p.total && !p.drawn {
		return // a run shorter than the interval prints no progress
	}
	p.last = t
	pct := 100
	if p.total > 0 {
		pct = done * 100 / p.total
	}
	if p.tty {
		const width = 30
		fill := width * pct / 100
		bar := strings.Repeat("=", fill) + strings.Repeat(" ", width-fill)
		fmt.Fprintf(p.w, "\r[%s] %3d%% %d/%d  %s\x1b[K", bar, pct, done, p.total, tally())
	} else {
		fmt.Fprintf(p.w, program+" %s: %d/%d sessions (%d%%): %s\n", p.name, done, p.total, pct, tally())
	}
	p.drawn = true
}

// finish clears the bar from the terminal.
func (p *progress) finish() {
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

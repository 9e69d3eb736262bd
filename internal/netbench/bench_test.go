//go:build unix

package netbench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// knobs are the bench's settings, from the environment scripts/bench.sh passes on.
type knobs struct {
	oneWay    time.Duration
	runs      int      // interleaved runs per route for accuracy and start-up
	sweepRuns int      // interleaved runs per sweep size
	sizes     []int    // routes per sweep
	serialMax int      // largest sweep also run as a serial curl loop
	variants  []string // lifeline settings to compare; "" is the defaults
	// startupOnly measures start-up alone (NETBENCH_STARTUP_ONLY=1), skipping accuracy and sweeps
	startupOnly bool
}

func readKnobs(b *testing.B) knobs {
	k := knobs{oneWay: 25 * time.Millisecond, runs: 20, sweepRuns: 5, sizes: []int{1, 10, 50, 200}, serialMax: 50, variants: []string{""}}
	num := func(name string, into *int) {
		if v := os.Getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				b.Fatalf("%s=%q: want a count", name, v)
			}
			*into = n
		}
	}
	num("NETBENCH_RUNS", &k.runs)
	num("NETBENCH_SWEEP_RUNS", &k.sweepRuns)
	num("NETBENCH_SERIAL_MAX", &k.serialMax)
	if v := os.Getenv("NETBENCH_SIZES"); v != "" {
		k.sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				b.Fatalf("NETBENCH_SIZES=%q: want counts of routes", v)
			}
			k.sizes = append(k.sizes, n)
		}
	}
	k.startupOnly = os.Getenv("NETBENCH_STARTUP_ONLY") == "1"
	if v := os.Getenv("NETBENCH_VARIANTS"); v != "" {
		k.variants = strings.Split(v, ";")
	}
	return k
}

// BenchmarkNetwork builds the delayed bed and prints, from one run, lifeline beside curl on
// the same routes: start-up to the first probe, reported connect and TLS times against the
// calibrated floor, and sweeps of growing size against the slowest single check, a serial
// curl loop and xargs -P 32 curl, with wall time, CPU and peak RSS. Every comparison is
// interleaved run by run, so a load that comes and goes hits both sides alike.
func BenchmarkNetwork(b *testing.B) {
	bin := lifelineBin(b)
	k := readKnobs(b)
	bd := newBed(b, k.oneWay)
	for b.Loop() {
	}
	out := os.Stdout
	rttMed, rttP90 := bd.calibrate(b, 50)
	fmt.Fprintf(out, "\nbed: relay %s each way on loopback, %d cores; calibrated RTT median %s ms, p90 %s ms (50 echoes)\n",
		k.oneWay, runtime.NumCPU(), ms(rttMed), ms(rttP90))

	bd.startup(b, bin, k)
	if !k.startupOnly {
		singles := bd.accuracy(b, bin, k)
		bd.sweeps(b, bin, k, singles)
	}
	rttMed, rttP90 = bd.calibrate(b, 50)
	fmt.Fprintf(out, "bed: calibrated RTT again at the end: median %s ms, p90 %s ms\n", ms(rttMed), ms(rttP90))
}

// startup measures exec → first connection for status --once and check, interleaved, for
// every build the variants name (the one under test first).
func (bd *bed) startup(b *testing.B, bin string, k knobs) {
	type mode struct {
		name string
		bin  string
		args []string
	}
	bins := []string{bin}
	for _, v := range k.variants {
		if p := parseVariant(bin, v).bin; !slices.Contains(bins, p) {
			bins = append(bins, p)
		}
	}
	var modes []mode
	for _, kind := range []string{"tcp", "tls"} {
		cfg := bd.startupConfig(b, kind)
		for _, m := range []struct{ name, cmd string }{{"status --once", "status --once"}, {"check", "check"}} {
			for i, p := range bins {
				name := m.name + ", " + kind + " target"
				if i > 0 {
					name += ", " + filepath.Base(p)
				}
				modes = append(modes, mode{name, p, append(strings.Fields(m.cmd), "--config", cfg)})
			}
		}
	}
	took := make([][]time.Duration, len(modes))
	for range k.runs {
		for i, m := range modes {
			took[i] = append(took[i], bd.firstProbe(b, m.bin, m.args...))
		}
	}
	fmt.Fprintf(os.Stdout, "start-up, exec → first probe on the wire (%d interleaved runs): median / p90 ms\n", k.runs)
	for i, m := range modes {
		fmt.Fprintf(os.Stdout, "  %-40s %6s / %s\n", m.name, ms(quantile(took[i], 0.5)), ms(quantile(took[i], 0.9)))
	}
}

// accuracy runs, per route kind, lifeline alone (one route, one service) and curl, k.runs
// times interleaved, and prints each one's error against the calibrated floor. It returns
// lifeline's TLS-ready times per route kind: a single check's duration.
func (bd *bed) accuracy(b *testing.B, bin string, k knobs) map[string][]time.Duration {
	type side struct{ connect, tls, ready, curl []time.Duration }
	got := map[string]*side{}
	configs := map[string]string{}
	for i, r := range bd.routes() {
		got[r.kind] = &side{}
		// A one-route config whose route has the kind of r: r000 is SOCKS5, r001 CONNECT.
		configs[r.kind] = bd.config(b, "single-"+r.kind, i+1, 1)
	}
	for range k.runs {
		for _, r := range bd.routes() {
			_, ms := sweep(b, bin, bd.dir, configs[r.kind])
			m := ms[len(ms)-1]
			s := got[r.kind]
			s.connect, s.tls, s.ready = append(s.connect, m.connect), append(s.tls, m.tls), append(s.ready, m.connect+m.tls)
			s.curl = append(s.curl, bd.curlReady(b, r))
		}
	}
	fmt.Fprintf(os.Stdout, "accuracy, one check at a time (%d interleaved runs per route): error = reported − floor, median / p90 ms\n", k.runs)
	fmt.Fprintf(os.Stdout, "  %-7s %-22s %-14s %-14s %-14s %s\n", "route", "floor connect+TLS", "lifeline conn", "lifeline TLS", "lifeline ready", "curl ready (appconnect)")
	singles := map[string][]time.Duration{}
	for _, r := range bd.routes() {
		s := got[r.kind]
		fc, ft := bd.floor(r)
		e := func(d []time.Duration, floor time.Duration) string {
			ed := errorsFrom(d, floor)
			return signedMS(quantile(ed, 0.5)) + " / " + signedMS(quantile(ed, 0.9))
		}
		fmt.Fprintf(os.Stdout, "  %-7s %-22s %-14s %-14s %-14s %s\n", r.kind, ms(fc)+" + "+ms(ft),
			e(s.connect, fc), e(s.tls, ft), e(s.ready, fc+ft), e(s.curl, fc+ft))
		singles[r.kind] = s.ready
	}
	return singles
}

// variant is one way of running lifeline in the sweeps: a binary and extra settings.
type variant struct {
	name     string
	bin      string
	settings []string
}

// parseVariant reads "[@BINARY ]SETTING[,SETTING…]"; no settings means the defaults.
func parseVariant(bin, v string) variant {
	out := variant{bin: bin}
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "@") {
		path, rest, _ := strings.Cut(v[1:], " ")
		out.bin, v = path, strings.TrimSpace(rest)
		out.name = filepath.Base(path) + " "
	}
	if v == "" {
		out.name += "defaults"
	} else {
		out.settings = strings.Split(v, ",")
		out.name += v
	}
	return out
}

// sweepFigures are one variant's sweeps of one size.
type sweepFigures struct {
	walls, cpus, errs, connErrs, tlsErrs, bedRTTs []time.Duration
	bedCPUs                                       []time.Duration // the bed's own CPU (this process) during each sweep
	rss                                           int64
	bad                                           int
}

// sweeps runs, for every size, each variant's sweep and xargs -P 32 curl interleaved run by
// run (and a serial curl loop once, up to k.serialMax routes), and prints wall time against
// the slowest single check, the reported times' error, CPU and RSS.
func (bd *bed) sweeps(b *testing.B, bin string, k knobs, singles map[string][]time.Duration) {
	slowest := time.Duration(0)
	for _, d := range singles {
		slowest = max(slowest, quantile(d, 0.5))
	}
	var vs []variant
	for _, v := range k.variants {
		vs = append(vs, parseVariant(bin, v))
	}
	fmt.Fprintf(os.Stdout, "sweeps × %d services (%d interleaved runs, medians; slowest single check %s ms, process wall):\n",
		services, k.sweepRuns, ms(slowest))
	fmt.Fprintf(os.Stdout, "  %-7s %-26s %-9s %-8s %-22s %-8s %-6s %-7s\n", "routes", "lifeline", "wall ms", "×single",
		"ready err p50/p90/max", "CPU ms", "RSS MB", "exit≠0")
	var detail []string
	for _, n := range k.sizes {
		cfgs := make([]string, len(vs))
		for i, v := range vs {
			cfgs[i] = bd.config(b, fmt.Sprintf("sweep-%d-%d", n, i), n, services, v.settings...)
		}
		jobs := bd.curlJobs(b, n)
		figs := make([]sweepFigures, len(vs))
		var xwalls, xcpus []time.Duration
		for range k.sweepRuns {
			for i, v := range vs {
				f := &figs[i]
				stop := bd.watchRTT(b)
				bedBefore := selfCPU()
				p, got := sweep(b, v.bin, bd.dir, cfgs[i])
				f.bedCPUs = append(f.bedCPUs, selfCPU()-bedBefore)
				f.bedRTTs = append(f.bedRTTs, stop()...)
				f.walls, f.cpus = append(f.walls, p.wall), append(f.cpus, p.cpu)
				f.rss = max(f.rss, p.rss)
				if p.exit != 0 {
					f.bad++
				}
				for _, m := range got {
					fc, ft := bd.floor(bd.routeOf(m.kind))
					f.errs = append(f.errs, m.connect+m.tls-fc-ft)
					f.connErrs, f.tlsErrs = append(f.connErrs, m.connect-fc), append(f.tlsErrs, m.tls-ft)
				}
			}
			x := bd.curlParallel(b, jobs)
			xwalls, xcpus = append(xwalls, x.wall), append(xcpus, x.cpu)
		}
		for i, v := range vs {
			f := figs[i]
			wall := quantile(f.walls, 0.5)
			fmt.Fprintf(os.Stdout, "  %-7d %-26s %-9s %-8.2f %-22s %-8s %-6.1f %d/%d\n", n, v.name, ms(wall),
				float64(wall)/float64(slowest),
				signedMS(quantile(f.errs, 0.5))+"/"+signedMS(quantile(f.errs, 0.9))+"/"+signedMS(quantile(f.errs, 1)),
				ms(quantile(f.cpus, 0.5)), float64(f.rss)/(1<<20), f.bad, k.sweepRuns)
			// The shortest wall time the sweep could take here if every core did nothing but
			// its CPU work (lifeline's and the bed's) in perfect parallel.
			cpuFloor := (quantile(f.cpus, 0.5) + quantile(f.bedCPUs, 0.5)) / time.Duration(runtime.NumCPU())
			detail = append(detail, fmt.Sprintf("  %-7d %-26s connect err p50/p90 %s/%s, TLS err p50/p90 %s/%s; the bed's own RTT meanwhile p50/p90/max %s/%s/%s; "+
				"CPU per check %s ms, the bed's CPU %s ms, (lifeline + bed CPU) / %d cores %s ms = %.2f× single",
				n, v.name, signedMS(quantile(f.connErrs, 0.5)), signedMS(quantile(f.connErrs, 0.9)),
				signedMS(quantile(f.tlsErrs, 0.5)), signedMS(quantile(f.tlsErrs, 0.9)),
				ms(quantile(f.bedRTTs, 0.5)), ms(quantile(f.bedRTTs, 0.9)), ms(quantile(f.bedRTTs, 1)),
				ms(quantile(f.cpus, 0.5)/time.Duration(n*services)), ms(quantile(f.bedCPUs, 0.5)),
				runtime.NumCPU(), ms(cpuFloor), float64(cpuFloor)/float64(slowest)))
		}
		xwall := quantile(xwalls, 0.5)
		serial := "not run"
		if n <= k.serialMax {
			sw := bd.curlSerial(b, jobs).wall
			serial = fmt.Sprintf("%s ms (%.2f× single)", ms(sw), float64(sw)/float64(slowest))
		}
		fmt.Fprintf(os.Stdout, "  %-7d %-26s %-9s %-8.2f %-22s %-8s\n", n, "curl: xargs -P 32", ms(xwall),
			float64(xwall)/float64(slowest), "", ms(quantile(xcpus, 0.5)))
		fmt.Fprintf(os.Stdout, "  %-7d %-26s %s\n", n, "curl: serial loop, once", serial)
	}
	fmt.Fprintln(os.Stdout, "sweeps, detail (ms against the calibrated floor; the bed's RTT pinged through the relay every 20 ms during the sweeps):")
	for _, d := range detail {
		fmt.Fprintln(os.Stdout, d)
	}
}

// routeOf is the bed's route of a kind.
func (bd *bed) routeOf(kind string) route {
	for _, r := range bd.routes() {
		if r.kind == kind {
			return r
		}
	}
	panic("no route of kind " + kind)
}

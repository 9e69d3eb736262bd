package netbench

import (
	"fmt"
	"os"
	"runtime"
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
	singles := bd.accuracy(b, bin, k)
	for _, v := range k.variants {
		bd.sweeps(b, bin, k, v, singles)
	}
	rttMed, rttP90 = bd.calibrate(b, 50)
	fmt.Fprintf(out, "bed: calibrated RTT again at the end: median %s ms, p90 %s ms\n", ms(rttMed), ms(rttP90))
}

// startup measures exec → first connection for status --once and check, interleaved.
func (bd *bed) startup(b *testing.B, bin string, k knobs) {
	type mode struct {
		name string
		args []string
	}
	var modes []mode
	for _, kind := range []string{"tcp", "tls"} {
		cfg := bd.startupConfig(b, kind)
		modes = append(modes,
			mode{"status --once, " + kind + " target", []string{"status", "--once", "--config", cfg}},
			mode{"check, " + kind + " target", []string{"check", "--config", cfg}})
	}
	took := make([][]time.Duration, len(modes))
	for range k.runs {
		for i, m := range modes {
			took[i] = append(took[i], bd.firstProbe(b, bin, m.args...))
		}
	}
	fmt.Fprintf(os.Stdout, "start-up, exec → first probe on the wire (%d interleaved runs): median / p90 ms\n", k.runs)
	for i, m := range modes {
		fmt.Fprintf(os.Stdout, "  %-28s %6s / %s\n", m.name, ms(quantile(took[i], 0.5)), ms(quantile(took[i], 0.9)))
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

// sweeps runs, for every size, lifeline's sweep and xargs -P 32 curl interleaved (and a
// serial curl loop once, up to k.serialMax routes), and prints wall time against the slowest
// single check, the reported times' error, CPU and RSS.
func (bd *bed) sweeps(b *testing.B, bin string, k knobs, variant string, singles map[string][]time.Duration) {
	slowest := time.Duration(0)
	for _, d := range singles {
		slowest = max(slowest, quantile(d, 0.5))
	}
	name := "defaults"
	var settings []string
	if variant != "" {
		name = variant
		settings = strings.Split(variant, ",")
	}
	fmt.Fprintf(os.Stdout, "sweeps × %d services, lifeline with %s (%d interleaved runs, medians; slowest single check %s ms):\n",
		services, name, k.sweepRuns, ms(slowest))
	fmt.Fprintf(os.Stdout, "  %-7s %-9s %-8s %-20s %-8s %-6s %-7s | %-9s %-8s | %s\n", "routes", "wall ms", "×single",
		"err p50/p90/max ms", "CPU ms", "RSS MB", "exit≠0", "xargs ms", "CPU ms", "serial curl ms")
	var detail []string
	for _, n := range k.sizes {
		cfg := bd.config(b, fmt.Sprintf("sweep-%d", n), n, services, settings...)
		jobs := bd.curlJobs(b, n)
		var walls, cpus, xwalls, xcpus, errs, connErrs, tlsErrs, bedRTTs []time.Duration
		var rss int64
		bad := 0
		for range k.sweepRuns {
			stop := bd.watchRTT(b)
			p, got := sweep(b, bin, bd.dir, cfg)
			bedRTTs = append(bedRTTs, stop()...)
			walls, cpus = append(walls, p.wall), append(cpus, p.cpu)
			rss = max(rss, p.rss)
			if p.exit != 0 {
				bad++
			}
			for _, m := range got {
				fc, ft := bd.floor(bd.routeOf(m.kind))
				errs = append(errs, m.connect+m.tls-fc-ft)
				connErrs, tlsErrs = append(connErrs, m.connect-fc), append(tlsErrs, m.tls-ft)
			}
			x := bd.curlParallel(b, jobs)
			xwalls, xcpus = append(xwalls, x.wall), append(xcpus, x.cpu)
		}
		serial := "-"
		if n <= k.serialMax {
			serial = ms(bd.curlSerial(b, jobs).wall)
		}
		wall := quantile(walls, 0.5)
		fmt.Fprintf(os.Stdout, "  %-7d %-9s %-8.2f %-20s %-8s %-6.1f %-7d | %-9s %-8s | %s\n", n, ms(wall),
			float64(wall)/float64(slowest),
			signedMS(quantile(errs, 0.5))+"/"+signedMS(quantile(errs, 0.9))+"/"+signedMS(quantile(errs, 1)),
			ms(quantile(cpus, 0.5)), float64(rss)/(1<<20), bad,
			ms(quantile(xwalls, 0.5)), ms(quantile(xcpus, 0.5)), serial)
		detail = append(detail, fmt.Sprintf("  %-7d connect err p50/p90 %s/%s ms, TLS err p50/p90 %s/%s ms; the bed's own RTT during the sweeps p50/p90/max %s/%s/%s ms",
			n, signedMS(quantile(connErrs, 0.5)), signedMS(quantile(connErrs, 0.9)), signedMS(quantile(tlsErrs, 0.5)), signedMS(quantile(tlsErrs, 0.9)),
			ms(quantile(bedRTTs, 0.5)), ms(quantile(bedRTTs, 0.9)), ms(quantile(bedRTTs, 1))))
	}
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

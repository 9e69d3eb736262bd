package engine

import (
	"crypto/sha256"
	"crypto/x509"

	"github.com/lifeline-app/lifeline/checks"
)

// The system trust store is read in the background when a sweep starts (see warmUp), never
// on the way to the first probe: reading and parsing it takes 5 ms on a desktop machine and
// tens of milliseconds on a slow or busy one, and a tcp probe, a proxy greeting, a route check
// or a TLS probe's dial does not need it. A TLS handshake waits for it at the CPU gate, before
// its clock and step deadline, so the first handshake is timed like every other; a target
// whose pool adds anchors to the system roots waits before its slot, to build the pool.

// verifies says whether t verifies a certificate chain, and so needs a trust store.
func verifies(t checks.Target) bool {
	return t.Kind == checks.KindTLS || t.Kind == checks.KindHTTPS || t.Kind == checks.KindWebSocket || isTransfer(t)
}

// needsSystemRoots says whether t's trust store starts from the system roots.
func needsSystemRoots(t checks.Target) bool { return verifies(t) && t.RootCAs == nil }

// systemRootsReady returns once the system trust store has been read, reading it if no one
// has started to.
func (s *Scheduler) systemRootsReady() { s.roots.Do(s.loadRoots) }

// loadSystemRoots makes Go read the system trust store, which it keeps afterwards. It is each
// scheduler's loadRoots, which tests replace on their own scheduler.
func loadSystemRoots() { x509.SystemCertPool() }

// poolKey names one trust store the scheduler built: a route's anchors, the target's own
// store or the system roots, and the target's anchors.
type poolKey struct {
	route   string
	base    *x509.CertPool
	anchors [sha256.Size]byte
}

// trusted gives t the trust store it verifies against: its own store or the system roots,
// plus its anchors and the route's (built once per combination and kept).
func (s *Scheduler) trusted(spec checks.RouteSpec, t checks.Target) checks.Target {
	if !verifies(t) {
		return t
	}
	if len(spec.CAs) == 0 && len(t.Anchors) == 0 {
		return t
	}
	key := poolKey{route: spec.Name, base: t.RootCAs}
	if len(spec.CAs) == 0 {
		key.route = "" // the same store serves every route
	}
	h := sha256.New()
	for _, c := range t.Anchors {
		sum := sha256.Sum256(c.Raw)
		h.Write(sum[:])
	}
	h.Sum(key.anchors[:0])
	s.poolsMu.Lock()
	defer s.poolsMu.Unlock()
	pool, ok := s.pools[key]
	if !ok {
		if t.RootCAs != nil {
			pool = t.RootCAs.Clone()
		} else if sys, err := x509.SystemCertPool(); err == nil {
			pool = sys
		} else {
			pool = x509.NewCertPool()
		}
		for _, c := range t.Anchors {
			pool.AddCert(c)
		}
		for _, c := range spec.CAs {
			pool.AddCert(c)
		}
		s.pools[key] = pool
	}
	t.RootCAs = pool
	return t
}

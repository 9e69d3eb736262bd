package config

import (
	"crypto/sha256"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
)

// Signal's servers present certificates from Signal's own root: without it in the trust store
// every Signal target fails as ssl_unknown_authority.
//
//go:embed signal-messenger-root-ca.pem
var signalRootPEM []byte

// signalRoot is the parsed Signal root CA.
var signalRoot = sync.OnceValue(func() *x509.Certificate {
	certs, err := parsePEMCerts(signalRootPEM)
	if err != nil || len(certs) != 1 {
		panic("config: embedded Signal root CA does not parse")
	}
	return certs[0]
})

// systemPool is the system trust store, read once and never modified (pools with extra
// anchors are clones). Without one, TLS trusts only the configured anchors.
var systemPool = sync.OnceValue(func() *x509.CertPool {
	if pool, err := x509.SystemCertPool(); err == nil && pool != nil {
		return pool
	}
	return x509.NewCertPool()
})

// pools caches one pool per distinct anchor set, so targets that trust the same anchors share
// one pool (the scheduler keys its per-route pools by pool identity).
var pools struct {
	sync.Mutex
	byKey map[[sha256.Size]byte]*x509.CertPool
}

// trustPool is the system roots plus anchors.
func trustPool(anchors []*x509.Certificate) *x509.CertPool {
	if len(anchors) == 0 {
		return systemPool()
	}
	h := sha256.New()
	for _, c := range anchors {
		sum := sha256.Sum256(c.Raw)
		h.Write(sum[:])
	}
	var key [sha256.Size]byte
	copy(key[:], h.Sum(nil))
	pools.Lock()
	defer pools.Unlock()
	if pool, ok := pools.byKey[key]; ok {
		return pool
	}
	pool := systemPool().Clone()
	for _, c := range anchors {
		pool.AddCert(c)
	}
	if pools.byKey == nil {
		pools.byKey = make(map[[sha256.Size]byte]*x509.CertPool)
	}
	pools.byKey[key] = pool
	return pool
}

// parsePEMCerts reads every CERTIFICATE block.
func parsePEMCerts(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, errors.New("a certificate does not parse")
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM certificate found")
	}
	return certs, nil
}

// maxCAFile bounds a trust-anchor file: a bundle of certificates, not a disk image.
const maxCAFile = 4 << 20

// caFiles reads a ca_files list; each problem points at its entry.
func (p *parser) caFiles(f field, name string) []*x509.Certificate {
	paths, nodes := p.texts(f, name)
	var certs []*x509.Certificate
	for i, raw := range paths {
		if p.err != nil {
			return nil
		}
		path, err := p.resolvePath(raw)
		if err != nil {
			p.fail(nodes[i], "%s: %v", name, err)
			return nil
		}
		c, err := loadCAFile(path)
		if err != nil {
			p.fail(nodes[i], "%s: %s: %v", name, clip(raw), err)
			return nil
		}
		certs = append(certs, c...)
	}
	return certs
}

func loadCAFile(path string) ([]*x509.Certificate, error) {
	data, err := readRegular(path, maxCAFile)
	switch {
	case errors.Is(err, errTooLarge):
		return nil, fmt.Errorf("larger than %d MiB", maxCAFile>>20)
	case errors.Is(err, errNotRegular):
		return nil, fmt.Errorf("is %v", err)
	case err != nil:
		return nil, pathErr(err)
	}
	return parsePEMCerts(data)
}

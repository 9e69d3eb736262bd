package config

import (
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

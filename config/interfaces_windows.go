package config

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// systemInterfaces lists this machine's devices with what Windows knows of each: adapter
// names there are the user's ("Ethernet 2", "office"), so the driver's description
// ("WireGuard Tunnel", "Wintun Userspace Tunnel", "TAP-Windows Adapter V9") and the interface
// type (PPP for the built-in VPN connections) tell a VPN apart.
func systemInterfaces() ([]Interface, error) {
	ifaces, err := netInterfaces()
	if err != nil {
		return nil, err
	}
	adapters, err := adapterInfo()
	if err != nil {
		return ifaces, nil // names alone still find wg0-style adapters
	}
	for i := range ifaces {
		if a, ok := adapters[ifaces[i].Name]; ok {
			ifaces[i].Description = a.description
			ifaces[i].PointToPoint = a.ifType == windows.IF_TYPE_PPP || a.ifType == ifTypePropVirtual
		}
	}
	return ifaces, nil
}

// ifTypePropVirtual is IF_TYPE_PROP_VIRTUAL (ipifcons.h), the type Wintun adapters report.
const ifTypePropVirtual = 53

type adapter struct {
	description string
	ifType      uint32
}

// adapterInfo maps each adapter's friendly name (the name net.Interfaces reports) to its
// description and type.
func adapterInfo() (map[string]adapter, error) {
	const flags = windows.GAA_FLAG_SKIP_UNICAST | windows.GAA_FLAG_SKIP_ANYCAST |
		windows.GAA_FLAG_SKIP_MULTICAST | windows.GAA_FLAG_SKIP_DNS_SERVER
	size := uint32(15 << 10)
	for range 3 {
		buf := make([]byte, size)
		first := (*windows.IpAdapterAddresses)(unsafe.Pointer(&buf[0]))
		err := windows.GetAdaptersAddresses(windows.AF_UNSPEC, flags, 0, first, &size)
		if err == windows.ERROR_BUFFER_OVERFLOW {
			continue // size now says how much is needed
		}
		if err != nil {
			return nil, err
		}
		out := map[string]adapter{}
		for a := first; a != nil; a = a.Next {
			out[windows.UTF16PtrToString(a.FriendlyName)] = adapter{
				description: windows.UTF16PtrToString(a.Description),
				ifType:      a.IfType,
			}
		}
		return out, nil
	}
	return nil, windows.ERROR_BUFFER_OVERFLOW
}

// Package engine runs lifeline's checks over the network: routes (one file per kind), probes
// (one file per protocol), the scheduler that sweeps a plan with bounded concurrency and
// streams events, the monitor that repeats sweeps and takes reloads, the DNS comparison, the
// egress lookup and the transfer memory.
//
// It produces the types of package checks. Only main (and tests) wire it; config, ui and
// export depend on checks alone.
package engine

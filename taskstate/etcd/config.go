package etcd

import (
	"log/slog"
	"os"
	"strconv"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/roomrec/roomrec/errcode"
)

// Defaults of the Config fields left zero.
const (
	DefaultPrefix      = "roomrec/taskstate/"
	DefaultTTL         = 5 * time.Second
	DefaultDialTimeout = 5 * time.Second
)

// MinTTL is the smallest lease TTL (etcd counts TTLs in whole seconds; a
// server may raise small TTLs to its own minimum, 1.5 election timeouts).
const MinTTL = time.Second

// Config says which etcd cluster to use and how. Zero values of the
// optional fields take the defaults above; Validate checks a Config
// without I/O.
type Config struct {
	// Endpoints are the cluster's client URLs, for example
	// "http://10.0.0.1:2379". Required unless Client is set.
	Endpoints []string
	// Client is an existing client to use instead of dialing Endpoints
	// (for TLS, authentication or a shared connection). Close leaves it
	// open.
	Client *clientv3.Client
	// Prefix is put before every key of the store, so several deployments
	// can share a cluster; "" means DefaultPrefix.
	Prefix string
	// TTL is the lease time: how long after an owner's last keep-alive its
	// tasks become orphans. 0 means DefaultTTL; otherwise at least MinTTL,
	// rounded up to whole seconds. Takeover time is about TTL plus the
	// claiming instance's own start-up.
	TTL time.Duration
	// Owner names this instance in Record.Owner; "" means
	// "<hostname>:<pid>". Liveness never depends on it.
	Owner string
	// DialTimeout bounds the connection to Endpoints and Open's first
	// request; 0 means DefaultDialTimeout.
	DialTimeout time.Duration
	// Logger receives lost leases and broken watches; nil discards them.
	// The etcd client's own logger is always silent.
	Logger *slog.Logger
}

// Validate checks the Config without I/O and returns an errcode
// InvalidParameter error naming the first bad field.
func (c Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return errcode.New(errcode.InvalidParameter.Detail(field), "taskstate/etcd: "+format, args...)
	}
	switch {
	case c.Client == nil && len(c.Endpoints) == 0:
		return bad("Endpoints", "Config.Endpoints or Config.Client is required")
	case c.TTL < 0 || (c.TTL > 0 && c.TTL < MinTTL):
		return bad("TTL", "Config.TTL %v: use 0 for %v or at least %v", c.TTL, DefaultTTL, MinTTL)
	case c.DialTimeout < 0:
		return bad("DialTimeout", "Config.DialTimeout %v is negative", c.DialTimeout)
	}
	for _, e := range c.Endpoints {
		if e == "" {
			return bad("Endpoints", "Config.Endpoints has an empty entry")
		}
	}
	return nil
}

// withDefaults returns c with the zero optional fields filled in and the
// TTL rounded up to whole seconds.
func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.TTL == 0 {
		c.TTL = DefaultTTL
	}
	c.TTL = (c.TTL + time.Second - 1).Truncate(time.Second)
	if c.Owner == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "localhost"
		}
		c.Owner = host + ":" + strconv.Itoa(os.Getpid())
	}
	if c.DialTimeout == 0 {
		c.DialTimeout = DefaultDialTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

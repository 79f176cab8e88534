// Package s3test runs a real S3 server on the loopback for tests of the S3
// storage back-end (SPEC §5 "Storage"): versitygw (Apache-2.0), built by
// `make test` into <repo>/bin/versitygw-<Version>, or the binary named by
// $ROOMREC_VERSITYGW.
//
// Start launches `versitygw --port 127.0.0.1:<free port> --quiet posix
// --sidecar <tmp>/meta <tmp>/data` with only ROOT_ACCESS_KEY and
// ROOT_SECRET_KEY in its environment, waits until the port accepts
// connections, and kills the process when the test ends. A missing binary
// fails the test with what to run; it never skips.
//
// NewProxy puts a fault-injecting reverse proxy in front of it (error
// statuses, hung requests, dropped connections), for what a healthy
// server will not do on demand.
package s3test

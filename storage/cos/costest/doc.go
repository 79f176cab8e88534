// Package costest is a fake Tencent COS bucket for tests of the COS
// storage back-end (SPEC §5 "Storage"): an HTTP server on 127.0.0.1 that
// does what COS does for the calls the SDK makes for storage/cos.
//
// It verifies each request's Authorization header (q-sign-algorithm=sha1:
// q-ak, q-sign-time, q-key-time, q-header-list, q-url-param-list,
// q-signature), recomputing the signature from COS's documented algorithm
// with its own code (not the SDK's), and answers 403 SignatureDoesNotMatch,
// InvalidAccessKeyId, RequestTimeTooSkewed or AccessDenied as COS does. It
// insists that Host, Content-Type, Content-Length, Content-MD5, every
// x-cos-* header and every URL parameter are signed, checks Content-MD5,
// returns x-cos-hash-crc64ecma for stored data (the SDK verifies it), and
// serves PUT/GET/HEAD/DELETE Object, GET Bucket (prefix, marker,
// max-keys) and the multipart calls (initiate, upload part, complete with
// COS's part rules, abort). Objects live in memory.
//
// Faults for tests: SetFault installs a hook that may delay a request (on
// an injectable clock), hang it, drop its connection or answer an error
// status. Requests logs what was answered; Keys, Object and Uploads show
// the stored state.
package costest

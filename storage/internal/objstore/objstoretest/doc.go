// Package objstoretest holds the test helpers the object-store back-ends
// of storage.Storage (storage/cos, storage/s3; SPEC §5 "Storage") share:
// reproducible random data, the *storage.Error of a call, and checks that
// run the same calls and assertions against either back-end (a large
// multipart round trip, refused credentials, a hung server).
package objstoretest

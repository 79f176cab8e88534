package s3

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/minio/minio-go/v7/pkg/s3utils"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// Defaults of the Config fields left zero.
const (
	DefaultRegion             = "us-east-1"
	DefaultPartSize           = 8 << 20         // bytes per part of a multipart upload
	DefaultMultipartThreshold = 16 << 20        // known sizes from here on go multipart
	DefaultTimeout            = 2 * time.Minute // the longest one request may take
)

// Limits of S3 that Validate and Put enforce.
const (
	MinPartSize = 5 << 20 // S3 rejects smaller parts (except the last) with EntityTooSmall
	MaxPartSize = 5 << 30 // the largest part, and the largest single PUT
	MaxParts    = 10000   // parts in one multipart upload
)

// Config says which S3-compatible bucket to use and how. Zero values of
// the optional fields take the defaults above; Validate checks a Config
// without I/O.
type Config struct {
	// Endpoint is the server's "host" or "host:port", without a scheme:
	// "s3.amazonaws.com", "<account>.r2.cloudflarestorage.com",
	// "127.0.0.1:9000" (required).
	Endpoint string
	// Region is the bucket's region; "" means DefaultRegion. R2 uses
	// "auto".
	Region string
	// Bucket is the bucket's name (required).
	Bucket string
	// AccessKey and SecretKey sign every request with AWS Signature V4
	// (required).
	AccessKey string
	SecretKey string
	// SessionToken is the token of temporary credentials (STS), sent as
	// X-Amz-Security-Token; empty for a permanent key.
	SessionToken string
	// UseSSL talks HTTPS (the production setting); false is plain HTTP.
	UseSSL bool
	// Insecure skips the verification of the server's TLS certificate
	// (self-signed test servers only). It needs UseSSL and applies to the
	// package's own transport, so it cannot be combined with Transport.
	Insecure bool
	// PathStyle puts the bucket in the URL path (http://host/bucket/key),
	// as MinIO, Ceph and versitygw expect by default; false lets minio-go
	// choose: virtual-hosted style (http://bucket.host/key) for AWS and
	// other hosts known to support it, path style otherwise.
	PathStyle bool
	// Transport sends the requests; nil means minio-go's default transport.
	Transport http.RoundTripper
	// PartSize is the size of each part of a multipart upload (the last
	// one may be smaller); 0 means DefaultPartSize. Allowed MinPartSize to
	// MaxPartSize. Put holds one part in memory while it is sent; a known
	// size above MaxParts·PartSize gets larger parts.
	PartSize int64
	// MultipartThreshold is the size from which a Put of known size uses a
	// multipart upload; smaller ones are one streamed PUT. 0 means
	// DefaultMultipartThreshold; at most MaxPartSize. A Put of unknown size
	// reads up to PartSize bytes first and sends them as one PUT when the
	// data ends there, else goes multipart.
	MultipartThreshold int64
	// Timeout bounds every single request (each part of a multipart upload
	// is one, a Put's streamed body counts, a Get's only until the
	// response starts, a List's pages each); 0 means DefaultTimeout. A
	// request that runs out fails with CodeRequestTimeout, retryable.
	Timeout time.Duration
}

var regionPattern = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)

// Validate checks c without any I/O. It returns nil or an *errcode.Error
// whose code is InvalidParameter.StorageParams.<Field> (for example
// InvalidParameter.StorageParams.Endpoint) and whose message says what to
// change.
func (c Config) Validate() error {
	if err := validateEndpoint(c.Endpoint); err != nil {
		return err
	}
	if c.Region != "" && !regionPattern.MatchString(c.Region) {
		return errcode.New(objstore.Param("Region"), "S3 region %q: must be a region name such as \"us-east-1\"", c.Region)
	}
	if err := s3utils.CheckValidBucketName(c.Bucket); err != nil {
		return errcode.Wrap(objstore.Param("Bucket"), err, "S3 bucket %q is not a valid bucket name", c.Bucket)
	}
	if c.AccessKey == "" || c.SecretKey == "" {
		return errcode.New(objstore.Param("SecretKey"), "S3 AccessKey and SecretKey must both be set")
	}
	if c.Insecure && (!c.UseSSL || c.Transport != nil) {
		return errcode.New(objstore.Param("Insecure"), "S3 Insecure needs UseSSL and no Transport of your own (configure TLS in your Transport instead)")
	}
	return c.limits().Validate(c.PartSize, c.MultipartThreshold, c.Timeout)
}

// limits returns the bounds and defaults of the upload settings.
func (Config) limits() objstore.Limits {
	return objstore.Limits{Store: "S3", MinPartSize: MinPartSize, MaxPartSize: MaxPartSize,
		DefaultPartSize: DefaultPartSize, DefaultMultipartThreshold: DefaultMultipartThreshold, DefaultTimeout: DefaultTimeout}
}

// validateEndpoint checks that ep is "host" or "host:port".
func validateEndpoint(ep string) error {
	if ep == "" {
		return errcode.New(objstore.Param("Endpoint"), "S3 endpoint is empty; set \"host\" or \"host:port\"")
	}
	if strings.Contains(ep, "://") {
		return errcode.New(objstore.Param("Endpoint"), "S3 endpoint %q: give \"host[:port]\" without a scheme (UseSSL chooses https)", ep)
	}
	u, err := url.Parse("//" + ep)
	if err != nil || u.Host != ep || u.Hostname() == "" || u.User != nil {
		return errcode.New(objstore.Param("Endpoint"), "S3 endpoint %q: must be \"host\" or \"host:port\" with no path", ep)
	}
	return nil
}

// withDefaults returns c with the zero values replaced by the defaults.
func (c Config) withDefaults() Config {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.PartSize == 0 {
		c.PartSize = DefaultPartSize
	}
	if c.MultipartThreshold == 0 {
		c.MultipartThreshold = DefaultMultipartThreshold
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// putConfig returns the settings of Put, from a Config with defaults.
func (c Config) putConfig() objstore.Config {
	return objstore.Config{PartSize: c.PartSize, MultipartThreshold: c.MultipartThreshold, MaxParts: MaxParts, Timeout: c.Timeout}
}

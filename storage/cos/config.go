package cos

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	sdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// Defaults of the Config fields left zero.
const (
	DefaultPartSize           = 8 << 20         // bytes per part of a multipart upload
	DefaultMultipartThreshold = 16 << 20        // known sizes from here on go multipart
	DefaultTimeout            = 2 * time.Minute // the longest one request may take
)

// Limits of COS that Validate and Put enforce.
const (
	MinPartSize = 1 << 20 // COS rejects smaller parts (except the last) with EntityTooSmall
	MaxPartSize = 5 << 30 // the largest part, and the largest single PUT
	MaxParts    = 10000   // parts in one multipart upload
)

// Config says which COS bucket to use and how. Zero values of the optional
// fields take the defaults above; Validate checks a Config without I/O.
type Config struct {
	// Bucket is the bucket's full name "<name>-<appid>", for example
	// "records-1250000000" (required).
	Bucket string
	// Region is the bucket's region, for example "ap-guangzhou". Required
	// unless BaseURL is set.
	Region string
	// BaseURL, when set, replaces the bucket's default address
	// https://<Bucket>.cos.<Region>.myqcloud.com: a custom or accelerated
	// domain, or a test server. Scheme and host (with an optional port)
	// only, for example "http://127.0.0.1:8080".
	BaseURL string
	// SecretID and SecretKey are the API key that signs every request
	// (required).
	SecretID  string
	SecretKey string
	// SessionToken is the token of temporary credentials (STS), sent as
	// x-cos-security-token; empty for a permanent key.
	SessionToken string
	// HTTPClient sends the requests; nil means a client of the package's
	// own with a clone of http.DefaultTransport. Its Transport is wrapped
	// (the signing layer), the client itself is not modified.
	HTTPClient *http.Client
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
	// response starts); 0 means DefaultTimeout. A request that runs out
	// fails with CodeRequestTimeout, retryable.
	Timeout time.Duration
}

var (
	bucketPattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?-[0-9]+$`)
	regionPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// Validate checks c without any I/O. It returns nil or an *errcode.Error
// whose code is InvalidParameter.StorageParams.<Field> (for example
// InvalidParameter.StorageParams.Bucket) and whose message says what to
// change.
func (c Config) Validate() error {
	if !bucketPattern.MatchString(c.Bucket) {
		return errcode.New(objstore.Param("Bucket"), "COS bucket %q: must be \"<name>-<appid>\" in lower-case letters, digits and '-', for example \"records-1250000000\"", c.Bucket)
	}
	if err := c.validateAddress(); err != nil {
		return err
	}
	if c.SecretID == "" || c.SecretKey == "" {
		return errcode.New(objstore.Param("SecretKey"), "COS SecretID and SecretKey must both be set")
	}
	if strings.TrimSpace(c.SecretID) != c.SecretID || strings.TrimSpace(c.SecretKey) != c.SecretKey {
		return errcode.New(objstore.Param("SecretKey"), "COS SecretID or SecretKey has leading or trailing spaces")
	}
	return c.limits().Validate(c.PartSize, c.MultipartThreshold, c.Timeout)
}

// limits returns the bounds and defaults of the upload settings.
func (Config) limits() objstore.Limits {
	return objstore.Limits{Store: "COS", MinPartSize: MinPartSize, MaxPartSize: MaxPartSize,
		DefaultPartSize: DefaultPartSize, DefaultMultipartThreshold: DefaultMultipartThreshold, DefaultTimeout: DefaultTimeout}
}

// validateAddress checks Region and BaseURL.
func (c Config) validateAddress() error {
	if c.Region != "" && !regionPattern.MatchString(c.Region) {
		return errcode.New(objstore.Param("Region"), "COS region %q: must be a region name such as \"ap-guangzhou\"", c.Region)
	}
	if c.BaseURL == "" {
		if c.Region == "" {
			return errcode.New(objstore.Param("Region"), "COS region is empty; set Region (for example \"ap-guangzhou\") or BaseURL")
		}
		return nil
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return errcode.Wrap(objstore.Param("BaseURL"), err, "COS BaseURL %q is not a URL", c.BaseURL)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return errcode.New(objstore.Param("BaseURL"), "COS BaseURL %q: must be http(s)://host[:port] with no path, query or user", c.BaseURL)
	}
	if !(&sdk.BaseURL{BucketURL: u}).Check() { // the SDK's own check of myqcloud.com names
		return errcode.New(objstore.Param("BaseURL"), "COS BaseURL %q: not a valid bucket domain of myqcloud.com or tencentcos.cn", c.BaseURL)
	}
	return nil
}

// withDefaults returns c with the zero values replaced by the defaults.
func (c Config) withDefaults() Config {
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

// bucketURL returns the address requests go to.
func (c Config) bucketURL() string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	return "https://" + c.Bucket + ".cos." + c.Region + ".myqcloud.com"
}

package vod

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/roomrec/roomrec/clock"
	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage/cos"
)

// Defaults of the Config fields left zero, and the API this package calls.
const (
	DefaultEndpoint = "vod.tencentcloudapi.com" // VOD's API domain (vod.intl.tencentcloudapi.com outside China)
	DefaultRegion   = "ap-guangzhou"            // the X-TC-Region sent when Region is empty
	DefaultTimeout  = 30 * time.Second          // the longest one VOD API call may take
	// APIVersion is the VOD API version of ApplyUpload and CommitUpload.
	APIVersion = "2018-07-17"
	// Service is the service of the TC3-HMAC-SHA256 credential scope.
	Service = "vod"
)

// Limits of VOD's ApplyUpload parameters that Validate enforces.
const (
	MaxSourceContext  = 250  // characters of SourceContext
	MaxSessionContext = 1000 // characters of SessionContext
)

// Config says which VOD account and application to upload to, and the
// options of VOD's ApplyUpload that the service's CloudVod.TencentVod
// storage parameters carry. Zero values of the optional fields take the
// defaults above; Validate checks a Config without I/O.
type Config struct {
	// SecretID and SecretKey are the Tencent Cloud API key that signs
	// ApplyUpload and CommitUpload (TC3-HMAC-SHA256), required.
	SecretID  string
	SecretKey string
	// Region is the X-TC-Region of the API calls; "" means DefaultRegion.
	// It does not choose where the media is stored (StorageRegion does).
	Region string
	// SubAppID is the VOD application ("SubAppId"); 0 leaves it out, which
	// only accounts opened before 2023-12-25 may do.
	SubAppID uint64
	// Endpoint is the API's address: a host ("vod.tencentcloudapi.com",
	// reached over HTTPS) or a URL with scheme and host and no path
	// ("http://127.0.0.1:8080" for a test server). "" means
	// DefaultEndpoint.
	Endpoint string
	// Procedure is the name of the VOD task flow to start on each
	// uploaded file; "" starts none.
	Procedure string
	// ClassID is the VOD category of the files; 0 is "other".
	ClassID uint64
	// StorageRegion asks for the files to be stored in this region (for
	// example "ap-chongqing"); "" lets VOD choose its default.
	StorageRegion string
	// ExpireAfter makes VOD delete each file this long after its upload
	// (sent as ExpireTime, an ISO 8601 time, in whole seconds); 0 keeps
	// the files.
	ExpireAfter time.Duration
	// SourceContext (at most MaxSourceContext characters) comes back in
	// VOD's upload-complete event; SessionContext (at most
	// MaxSessionContext) in the task-flow events of Procedure.
	SourceContext  string
	SessionContext string
	// HTTPClient sends the API calls and, unless COS.HTTPClient is set,
	// the uploads; nil means a client on http.DefaultTransport.
	HTTPClient *http.Client
	// Timeout bounds each VOD API call; 0 means DefaultTimeout.
	Timeout time.Duration
	// COS holds the settings of the uploads to the bucket VOD names:
	// PartSize, MultipartThreshold, Timeout (see cos.Config), HTTPClient
	// (nil: HTTPClient) and BaseURL ("": the bucket's own address; set
	// it only for a proxy or a test server). Its Bucket, Region,
	// SecretID, SecretKey and SessionToken must be empty: ApplyUpload
	// gives them, with temporary credentials.
	COS cos.Config
	// Clock gives the time of the signatures and of ExpireAfter; nil
	// means clock.Real().
	Clock clock.Clock
}

var (
	regionPattern    = regexp.MustCompile(`^[a-z]+(-[a-z0-9]+)+$`)
	mediaTypePattern = regexp.MustCompile(`^[a-z0-9]{1,16}$`)
)

// param returns the code of a wrong Config field:
// InvalidParameter.StorageParams.<name>, as the storage back-ends do.
func param(name string) errcode.Code {
	return errcode.InvalidParameter.Detail("StorageParams." + name)
}

// Validate checks c without any I/O. It returns nil or an *errcode.Error
// whose code is InvalidParameter.StorageParams.<Field> (for example
// InvalidParameter.StorageParams.SecretKey or
// InvalidParameter.StorageParams.PartSize) and whose message says what to
// change.
func (c Config) Validate() error {
	if c.SecretID == "" || c.SecretKey == "" {
		return errcode.New(param("SecretKey"), "VOD SecretID and SecretKey must both be set")
	}
	if strings.TrimSpace(c.SecretID) != c.SecretID || strings.TrimSpace(c.SecretKey) != c.SecretKey || strings.ContainsAny(c.SecretID, "/, ") {
		return errcode.New(param("SecretKey"), "VOD SecretID or SecretKey has spaces, or SecretID has '/' or ','")
	}
	if c.Region != "" && !regionPattern.MatchString(c.Region) {
		return errcode.New(param("Region"), "VOD Region %q: must be a region name such as %q", c.Region, DefaultRegion)
	}
	if c.StorageRegion != "" && !regionPattern.MatchString(c.StorageRegion) {
		return errcode.New(param("StorageRegion"), "VOD StorageRegion %q: must be a storage region such as \"ap-chongqing\", or empty", c.StorageRegion)
	}
	if _, err := endpointURL(c.Endpoint); err != nil {
		return err
	}
	if err := c.validateOptions(); err != nil {
		return err
	}
	return c.validateCOS()
}

// validateOptions checks the ApplyUpload options and the timeout.
func (c Config) validateOptions() error {
	if strings.TrimSpace(c.Procedure) != c.Procedure || !utf8.ValidString(c.Procedure) {
		return errcode.New(param("Procedure"), "VOD Procedure %q: a task flow name without leading or trailing spaces", c.Procedure)
	}
	if c.ExpireAfter < 0 || c.ExpireAfter%time.Second != 0 {
		return errcode.New(param("ExpireTime"), "VOD ExpireAfter %v: must be 0 (keep the files) or a positive number of whole seconds", c.ExpireAfter)
	}
	if n := utf8.RuneCountInString(c.SourceContext); n > MaxSourceContext || !utf8.ValidString(c.SourceContext) {
		return errcode.New(param("SourceContext"), "VOD SourceContext: %d characters, at most %d of UTF-8", n, MaxSourceContext)
	}
	if n := utf8.RuneCountInString(c.SessionContext); n > MaxSessionContext || !utf8.ValidString(c.SessionContext) {
		return errcode.New(param("SessionContext"), "VOD SessionContext: %d characters, at most %d of UTF-8", n, MaxSessionContext)
	}
	if c.Timeout < 0 {
		return errcode.New(param("Timeout"), "VOD Timeout %v: must be 0 (default %v) or positive", c.Timeout, DefaultTimeout)
	}
	return nil
}

// validateCOS checks the COS upload settings: the fields ApplyUpload
// fills must be empty, the rest as cos.Config.Validate wants them.
func (c Config) validateCOS() error {
	t := c.COS
	if t.Bucket != "" || t.Region != "" || t.SecretID != "" || t.SecretKey != "" || t.SessionToken != "" {
		return errcode.New(param("COS"), "VOD COS settings: leave Bucket, Region, SecretID, SecretKey and SessionToken empty; ApplyUpload gives them")
	}
	// Stand-ins for the fields ApplyUpload fills, to check the others.
	t.Bucket, t.Region, t.SecretID, t.SecretKey = "check-1250000000", DefaultRegion, "id", "key"
	return t.Validate()
}

// withDefaults returns c with the zero values replaced by the defaults.
func (c Config) withDefaults() Config {
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.Endpoint == "" {
		c.Endpoint = DefaultEndpoint
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.HTTPClient == nil {
		// An explicit transport: cos.New would clone a transport of its
		// own for every upload otherwise.
		c.HTTPClient = &http.Client{Transport: http.DefaultTransport}
	}
	if c.COS.HTTPClient == nil {
		c.COS.HTTPClient = c.HTTPClient
	}
	if c.COS.HTTPClient.Transport == nil {
		hc := *c.COS.HTTPClient
		hc.Transport = http.DefaultTransport
		c.COS.HTTPClient = &hc
	}
	if c.Clock == nil {
		c.Clock = clock.Real()
	}
	return c
}

// endpointURL returns the API's URL for Config.Endpoint: "" is
// DefaultEndpoint, a bare host gets "https://". It returns an
// *errcode.Error InvalidParameter.StorageParams.Endpoint for anything
// else than a host or scheme://host[:port].
func endpointURL(endpoint string) (string, error) {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if !strings.Contains(endpoint, "://") {
		endpoint = "https://" + endpoint
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return "", errcode.Wrap(param("Endpoint"), err, "VOD Endpoint %q: must be a host such as %q or http(s)://host[:port] with no path", endpoint, DefaultEndpoint)
	}
	return u.Scheme + "://" + u.Host + "/", nil
}

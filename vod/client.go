package vod

import (
	"cmp"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/cos"
)

// Client uploads media files to Tencent VOD. It is safe for concurrent
// use; each Upload is independent (its own ApplyUpload session and
// temporary COS credentials).
type Client struct {
	cfg      Config
	endpoint string // the API's URL, ending in "/"
}

// Result is what VOD answers for a committed file: what event 311 carries.
type Result struct {
	FileID   string // the file's id on the VOD platform ("FileId")
	MediaURL string // its playback URL ("MediaUrl")
}

// New returns a Client for cfg, which it validates first. It does no I/O:
// wrong credentials show in the first Upload's error. It returns the
// *errcode.Error of Config.Validate.
func New(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	endpoint, err := endpointURL(cfg.Endpoint)
	if err != nil { // Validate has checked it
		return nil, err
	}
	return &Client{cfg: cfg, endpoint: endpoint}, nil
}

// Upload stores one media file on VOD: ApplyUpload (with the Config's
// options, mediaType and mediaName), then the bytes of r to the COS
// bucket and path VOD names with the temporary credentials it gives
// (multipart above COS.MultipartThreshold, one part in memory), then
// CommitUpload. size is the number of bytes r yields, or -1 when unknown.
// mediaType is the file type VOD expects, the extension in lower case
// without the dot ("mp4", "m4a", "aac", "m3u8", ...); mediaName is the
// name VOD shows ("" lets VOD name it).
//
// It returns the FileId and MediaUrl, or an *Error saying which step
// failed (Op), the service's Code and Message (VOD's, or COS's for the
// upload), and whether a later retry may succeed (Retryable). A bad
// mediaType is an *Error with Code InvalidParameter.MediaType and Op
// OpApplyUpload, sent nowhere.
func (c *Client) Upload(ctx context.Context, r io.Reader, size int64, mediaName, mediaType string) (Result, error) {
	if !mediaTypePattern.MatchString(mediaType) {
		return Result{}, &Error{Op: OpApplyUpload, Code: "InvalidParameter.MediaType",
			Message: "media type " + quote(mediaType) + ": must be the file's extension in lower case without the dot, such as \"mp4\""}
	}
	if size < -1 {
		return Result{}, &Error{Op: OpApplyUpload, Code: "InvalidParameter.Size", Message: "size must be the number of bytes, or -1 when unknown"}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, canceled(OpApplyUpload, err)
	}
	apply, err := c.apply(ctx, mediaName, mediaType)
	if err != nil {
		return Result{}, err
	}
	if err := c.store(ctx, apply, r, size, mediaType); err != nil {
		return Result{}, err
	}
	if err := ctx.Err(); err != nil {
		return Result{}, canceled(OpCommitUpload, err)
	}
	var res commitResponse
	rid, err := c.call(ctx, OpCommitUpload, commitRequest{VodSessionKey: apply.VodSessionKey, SubAppID: c.cfg.SubAppID}, &res)
	if err != nil {
		return Result{}, err
	}
	if res.FileID == "" {
		return Result{}, &Error{Op: OpCommitUpload, Code: CodeBadResponse, Message: "CommitUpload answered no FileId", RequestID: rid, Retryable: true}
	}
	return Result(res), nil
}

// UploadFile is Upload of a local file: its size from the file system, its
// media type from its extension. mediaName "" names it after the file
// without the extension. It returns the errors of Upload, and an *Error
// with Code CodeSourceError (Op OpUpload) when the file cannot be opened
// or read.
func (c *Client) UploadFile(ctx context.Context, path, mediaName string) (Result, error) {
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	if mediaName == "" {
		mediaName = strings.TrimSuffix(base, ext)
	}
	f, err := os.Open(path)
	if err != nil {
		return Result{}, &Error{Op: OpUpload, Code: CodeSourceError, Message: "cannot open the file to upload", Err: err}
	}
	defer f.Close() // read only: nothing to lose on close
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		if err == nil {
			err = errors.New(path + " is not a regular file")
		}
		return Result{}, &Error{Op: OpUpload, Code: CodeSourceError, Message: "cannot read the file to upload", Err: err}
	}
	return c.Upload(ctx, f, fi.Size(), mediaName, strings.ToLower(strings.TrimPrefix(ext, ".")))
}

// apply calls ApplyUpload and checks that the answer has what the upload
// and the commit need.
func (c *Client) apply(ctx context.Context, mediaName, mediaType string) (applyResponse, error) {
	req := applyRequest{
		MediaType: mediaType, MediaName: mediaName, Procedure: c.cfg.Procedure, StorageRegion: c.cfg.StorageRegion,
		ClassID: c.cfg.ClassID, SourceContext: c.cfg.SourceContext, SessionContext: c.cfg.SessionContext, SubAppID: c.cfg.SubAppID,
	}
	if c.cfg.ExpireAfter > 0 {
		req.ExpireTime = c.cfg.Clock.Now().Add(c.cfg.ExpireAfter).UTC().Format(time.RFC3339)
	}
	var res applyResponse
	rid, err := c.call(ctx, OpApplyUpload, req, &res)
	if err != nil {
		return applyResponse{}, err
	}
	missing := ""
	switch {
	case res.StorageBucket == "":
		missing = "StorageBucket"
	case res.StorageRegion == "":
		missing = "StorageRegion"
	case res.VodSessionKey == "":
		missing = "VodSessionKey"
	case strings.TrimPrefix(res.MediaStoragePath, "/") == "":
		missing = "MediaStoragePath"
	case res.TempCertificate == nil || res.TempCertificate.SecretID == "" || res.TempCertificate.SecretKey == "":
		missing = "TempCertificate"
	}
	if missing != "" {
		return applyResponse{}, &Error{Op: OpApplyUpload, Code: CodeBadResponse, Message: "ApplyUpload answered no " + missing, RequestID: rid, Retryable: true}
	}
	return res, nil
}

// store puts the media in the bucket ApplyUpload named, at
// MediaStoragePath (without its leading "/"), with the temporary
// credentials.
func (c *Client) store(ctx context.Context, apply applyResponse, r io.Reader, size int64, mediaType string) error {
	cc := c.cfg.COS
	cc.Bucket, cc.Region = apply.StorageBucket, apply.StorageRegion
	cc.SecretID, cc.SecretKey, cc.SessionToken = apply.TempCertificate.SecretID, apply.TempCertificate.SecretKey, apply.TempCertificate.Token
	st, err := cos.New(cc)
	if err != nil {
		return &Error{Op: OpUpload, Code: CodeBadResponse, Message: "ApplyUpload named a bucket or credentials COS cannot use", Err: err}
	}
	key := strings.TrimPrefix(apply.MediaStoragePath, "/")
	if err := st.Put(ctx, key, r, size, storage.ContentType("x."+mediaType)); err != nil {
		var se *storage.Error
		if errors.As(err, &se) {
			if se.Code == storage.CodeCanceled {
				return canceled(OpUpload, cmp.Or(ctx.Err(), err))
			}
			return &Error{Op: OpUpload, Code: se.Code, Message: se.Message, Retryable: se.Retryable, Err: err}
		}
		return &Error{Op: OpUpload, Code: CodeNetworkError, Message: "the upload to COS failed", Retryable: true, Err: err}
	}
	return nil
}

// quote quotes s for a message, shortened when long.
func quote(s string) string {
	if len(s) > 40 {
		s = s[:40]
	}
	return strconv.Quote(s)
}

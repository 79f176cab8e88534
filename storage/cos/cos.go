package cos

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	sdk "github.com/tencentyun/cos-go-sdk-v5"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// Storage is a storage.Storage on a Tencent COS bucket. It is safe for
// concurrent use. Keys are used as object names as they are (the caller's
// file-name prefix is already part of them).
//
// Every error is a *storage.Error: COS's own answers keep COS's Code and
// Message (Retryable for 5xx, 429 and throttling codes) and wrap the SDK's
// *cos.ErrorResponse; see also the Code* constants.
type Storage struct {
	cfg    Config
	client *sdk.Client
	putter *objstore.Putter
}

// New returns a Storage for cfg, which it validates first. It does no I/O:
// wrong credentials or a missing bucket show in the first call's error.
// It returns the *errcode.Error of Config.Validate.
func New(cfg Config) (*Storage, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	u, err := url.Parse(cfg.bucketURL())
	if err != nil { // Validate has checked BaseURL; the default is well-formed
		return nil, errcode.Wrap(objstore.Param("BaseURL"), err, "COS address %q", cfg.bucketURL())
	}
	var hc http.Client
	var base http.RoundTripper
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient // a copy: the caller's client stays as it is
		base = cfg.HTTPClient.Transport
	}
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	hc.Transport = &sdk.AuthorizationTransport{
		SecretID: cfg.SecretID, SecretKey: cfg.SecretKey, SessionToken: cfg.SessionToken, Transport: base,
	}
	client := sdk.NewClient(&sdk.BaseURL{BucketURL: u}, &hc)
	client.Conf.RetryOpt.Count = 1 // no hidden retries: errors say Retryable, the caller backs off
	return &Storage{cfg: cfg, client: client, putter: &objstore.Putter{
		Uploader: uploader{client: client},
		Config:   cfg.putConfig(),
		ToError:  toError,
	}}, nil
}

// Bucket returns the bucket name.
func (s *Storage) Bucket() string { return s.cfg.Bucket }

// requestCtx bounds one request by Config.Timeout.
func (s *Storage) requestCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.cfg.Timeout)
}

// Get opens the object under key for reading; the caller closes it. It
// returns a *storage.Error: CodeInvalidKey, NoSuchKey (matching
// storage.ErrNotExist) when there is no object, CodeCanceled, or another
// COS or network error.
func (s *Storage) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := objstore.Precheck(ctx, storage.OpGet, key); err != nil {
		return nil, err
	}
	rc, err := objstore.Open(ctx, s.cfg.Timeout, func(rctx context.Context) (io.ReadCloser, error) {
		resp, err := s.client.Object.Get(rctx, key, nil)
		if err != nil {
			return nil, err
		}
		return resp.Body, nil
	})
	if err != nil {
		return nil, toError(ctx, storage.OpGet, key, err)
	}
	return rc, nil
}

// Stat returns the object's size, stored content type and modification
// time. It returns a *storage.Error: CodeInvalidKey, NoSuchKey (matching
// storage.ErrNotExist) when there is no object, CodeCanceled, or another
// COS or network error (a HEAD answer has no body, so a refusal reads
// "AccessDenied" whatever COS's reason).
func (s *Storage) Stat(ctx context.Context, key string) (storage.Object, error) {
	if err := objstore.Precheck(ctx, storage.OpStat, key); err != nil {
		return storage.Object{}, err
	}
	rctx, cancel := s.requestCtx(ctx)
	defer cancel()
	resp, err := s.client.Object.Head(rctx, key, nil)
	if err != nil {
		return storage.Object{}, toError(ctx, storage.OpStat, key, err)
	}
	h := resp.Header
	size, err := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if err != nil {
		return storage.Object{}, &storage.Error{Op: storage.OpStat, Key: key, Code: "InvalidResponse",
			Message: "COS answered without a valid Content-Length", Retryable: true, Err: err}
	}
	mod, _ := http.ParseTime(h.Get("Last-Modified")) // zero when missing
	return storage.Object{Key: key, Size: size, ContentType: h.Get("Content-Type"), ModTime: mod}, nil
}

// listPage is the number of keys asked for per List request (COS's maximum).
const listPage = 1000

// List returns the objects whose keys begin with prefix, sorted by key,
// following COS's pages (1000 keys each). COS's listing carries no content
// type, so each Object's ContentType is storage.ContentType(key) (what the
// recorder stores); Stat returns the stored one. It returns a
// *storage.Error: CodeInvalidKey for a bad prefix, CodeCanceled, or a COS
// or network error.
func (s *Storage) List(ctx context.Context, prefix string) ([]storage.Object, error) {
	if err := storage.ValidatePrefix(prefix); err != nil {
		return nil, &storage.Error{Op: storage.OpList, Key: prefix, Code: storage.CodeInvalidKey, Message: "invalid prefix", Err: err}
	}
	out := []storage.Object{}
	marker := ""
	for {
		if err := ctx.Err(); err != nil {
			return nil, objstore.Canceled(storage.OpList, prefix, err)
		}
		res, err := s.listPage(ctx, prefix, marker)
		if err != nil {
			return nil, toError(ctx, storage.OpList, prefix, err)
		}
		for _, o := range res.Contents {
			mod, _ := time.Parse(time.RFC3339, o.LastModified) // zero when malformed
			out = append(out, storage.Object{Key: o.Key, Size: o.Size, ContentType: storage.ContentType(o.Key), ModTime: mod})
		}
		if !res.IsTruncated || len(res.Contents) == 0 {
			break
		}
		marker = res.NextMarker
		if marker == "" {
			marker = res.Contents[len(res.Contents)-1].Key
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (s *Storage) listPage(ctx context.Context, prefix, marker string) (*sdk.BucketGetResult, error) {
	rctx, cancel := s.requestCtx(ctx)
	defer cancel()
	res, _, err := s.client.Bucket.Get(rctx, &sdk.BucketGetOptions{Prefix: prefix, Marker: marker, MaxKeys: listPage})
	return res, err
}

package s3

import (
	"context"
	"io"
	"sort"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage"
	"github.com/roomrec/roomrec/storage/internal/objstore"
)

// Storage is a storage.Storage on a bucket of an S3-compatible server. It
// is safe for concurrent use. Keys are used as object names as they are
// (the caller's file-name prefix is already part of them).
//
// Every error is a *storage.Error: the server's own answers keep its S3
// Code and Message (Retryable for 5xx, 429 and throttling codes) and wrap
// minio-go's minio.ErrorResponse; see also the Code* constants.
type Storage struct {
	cfg    Config
	core   *minio.Core
	putter *objstore.Putter
}

// New returns a Storage for cfg, which it validates first. It does no I/O:
// wrong credentials or a missing bucket show in the first call's error.
// It returns the *errcode.Error of Config.Validate, or one with code
// InvalidParameter.StorageParams.Endpoint when minio-go refuses the
// endpoint.
func New(cfg Config) (*Storage, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	tr := cfg.Transport
	if tr == nil {
		t, err := minio.DefaultTransport(cfg.UseSSL)
		if err != nil {
			return nil, errcode.Wrap(errcode.InternalError.Detail("Storage"), err, "cannot build the S3 transport")
		}
		if cfg.Insecure {
			t.TLSClientConfig.InsecureSkipVerify = true
		}
		tr = t
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, cfg.SessionToken),
		Secure:       cfg.UseSSL,
		Transport:    tr,
		Region:       cfg.Region, // known: no GetBucketLocation call
		BucketLookup: lookup,
		MaxRetries:   1, // no hidden retries: errors say Retryable, the caller backs off
	})
	if err != nil {
		return nil, errcode.Wrap(objstore.Param("Endpoint"), err, "S3 endpoint %q refused", cfg.Endpoint)
	}
	core := &minio.Core{Client: client}
	return &Storage{cfg: cfg, core: core, putter: &objstore.Putter{
		Uploader: uploader{core: core, bucket: cfg.Bucket},
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
// S3 or network error.
func (s *Storage) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := objstore.Precheck(ctx, storage.OpGet, key); err != nil {
		return nil, err
	}
	rc, err := objstore.Open(ctx, s.cfg.Timeout, func(rctx context.Context) (io.ReadCloser, error) {
		rc, _, _, err := s.core.GetObject(rctx, s.cfg.Bucket, key, minio.GetObjectOptions{})
		return rc, err
	})
	if err != nil {
		return nil, toError(ctx, storage.OpGet, key, err)
	}
	return rc, nil
}

// Stat returns the object's size, stored content type and modification
// time. It returns a *storage.Error: CodeInvalidKey, NoSuchKey (matching
// storage.ErrNotExist) when there is no object, CodeCanceled, or another
// S3 or network error (a HEAD answer has no body, so minio-go names a
// refusal "AccessDenied" whatever the server's reason).
func (s *Storage) Stat(ctx context.Context, key string) (storage.Object, error) {
	if err := objstore.Precheck(ctx, storage.OpStat, key); err != nil {
		return storage.Object{}, err
	}
	rctx, cancel := s.requestCtx(ctx)
	defer cancel()
	info, err := s.core.StatObject(rctx, s.cfg.Bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return storage.Object{}, toError(ctx, storage.OpStat, key, err)
	}
	return storage.Object{Key: key, Size: info.Size, ContentType: info.ContentType, ModTime: info.LastModified}, nil
}

// List returns the objects whose keys begin with prefix, sorted by key,
// following the server's pages (ListObjectsV2). S3 listings carry no
// content type, so each Object's ContentType is storage.ContentType(key)
// (what the recorder stores); Stat returns the stored one. Config.Timeout
// bounds the wait for each page. It returns a *storage.Error:
// CodeInvalidKey for a bad prefix, CodeCanceled, or an S3 or network
// error.
func (s *Storage) List(ctx context.Context, prefix string) ([]storage.Object, error) {
	if err := storage.ValidatePrefix(prefix); err != nil {
		return nil, &storage.Error{Op: storage.OpList, Key: prefix, Code: storage.CodeInvalidKey, Message: "invalid prefix", Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, objstore.Canceled(storage.OpList, prefix, err)
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var timedOut atomic.Bool
	timer := time.AfterFunc(s.cfg.Timeout, func() { timedOut.Store(true); cancel() })
	out := []storage.Object{}
	var err error
	for o := range s.core.ListObjectsIter(lctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			err = o.Err
			break
		}
		timer.Reset(s.cfg.Timeout) // a new object: the page came in time
		out = append(out, storage.Object{Key: o.Key, Size: o.Size, ContentType: storage.ContentType(o.Key), ModTime: o.LastModified})
	}
	timer.Stop()
	if err == nil {
		err = lctx.Err() // the iteration ends quietly when cancelled between pages
	}
	if err != nil && timedOut.Load() && ctx.Err() == nil {
		err = context.DeadlineExceeded // the timer fired (timedOut stays set)
	}
	if err != nil {
		return nil, toError(ctx, storage.OpList, prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

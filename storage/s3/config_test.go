package s3_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage/s3"
)

func TestConfigValidate(t *testing.T) {
	ok := s3.Config{Endpoint: "s3.amazonaws.com", Bucket: "records", AccessKey: "a", SecretKey: "s"}
	cases := []struct {
		name string
		edit func(*s3.Config)
		code string // "" = valid
	}{
		{"minimal", func(*s3.Config) {}, ""},
		{"host and port", func(c *s3.Config) { c.Endpoint = "127.0.0.1:9000" }, ""},
		{"IPv6 host and port", func(c *s3.Config) { c.Endpoint = "[::1]:9000" }, ""},
		{"all options", func(c *s3.Config) {
			c.Region, c.SessionToken, c.UseSSL, c.Insecure, c.PathStyle = "auto", "tok", true, true, true
			c.PartSize, c.MultipartThreshold, c.Timeout = s3.MinPartSize, 1, time.Second
		}, ""},
		{"own transport", func(c *s3.Config) { c.Transport = http.DefaultTransport }, ""},
		{"dotted bucket", func(c *s3.Config) { c.Bucket = "my.records" }, ""},
		{"no endpoint", func(c *s3.Config) { c.Endpoint = "" }, "Endpoint"},
		{"endpoint with scheme", func(c *s3.Config) { c.Endpoint = "https://s3.amazonaws.com" }, "Endpoint"},
		{"endpoint with path", func(c *s3.Config) { c.Endpoint = "s3.amazonaws.com/x" }, "Endpoint"},
		{"endpoint with user", func(c *s3.Config) { c.Endpoint = "u@s3.amazonaws.com" }, "Endpoint"},
		{"endpoint port only", func(c *s3.Config) { c.Endpoint = ":9000" }, "Endpoint"},
		{"region with a space", func(c *s3.Config) { c.Region = "us east" }, "Region"},
		{"no bucket", func(c *s3.Config) { c.Bucket = "" }, "Bucket"},
		{"short bucket", func(c *s3.Config) { c.Bucket = "ab" }, "Bucket"},
		{"bucket with slash", func(c *s3.Config) { c.Bucket = "a/b" }, "Bucket"},
		{"bucket like an IP", func(c *s3.Config) { c.Bucket = "192.168.1.1" }, "Bucket"},
		{"no access key", func(c *s3.Config) { c.AccessKey = "" }, "SecretKey"},
		{"no secret key", func(c *s3.Config) { c.SecretKey = "" }, "SecretKey"},
		{"insecure without TLS", func(c *s3.Config) { c.Insecure = true }, "Insecure"},
		{"insecure with own transport", func(c *s3.Config) { c.UseSSL, c.Insecure, c.Transport = true, true, http.DefaultTransport }, "Insecure"},
		{"part too small", func(c *s3.Config) { c.PartSize = s3.MinPartSize - 1 }, "PartSize"},
		{"part too large", func(c *s3.Config) { c.PartSize = s3.MaxPartSize + 1 }, "PartSize"},
		{"negative threshold", func(c *s3.Config) { c.MultipartThreshold = -1 }, "MultipartThreshold"},
		{"threshold too large", func(c *s3.Config) { c.MultipartThreshold = s3.MaxPartSize + 1 }, "MultipartThreshold"},
		{"negative timeout", func(c *s3.Config) { c.Timeout = -time.Second }, "Timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := ok
			c.edit(&cfg)
			err := cfg.Validate()
			_, nerr := s3.New(cfg)
			if c.code == "" {
				if err != nil || nerr != nil {
					t.Fatalf("Validate = %v, New = %v; want both nil", err, nerr)
				}
				return
			}
			want := errcode.InvalidParameter.Detail("StorageParams." + c.code)
			if !errors.Is(err, want) || !errors.Is(err, errcode.InvalidParameter) || errcode.CodeOf(err) != want {
				t.Errorf("Validate = %v, want %s", err, want)
			}
			if !errors.Is(nerr, want) {
				t.Errorf("New error = %v, want %s", nerr, want)
			}
		})
	}
}

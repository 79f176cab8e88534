package cos_test

import (
	"errors"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage/cos"
)

func TestConfigValidate(t *testing.T) {
	ok := cos.Config{Bucket: "records-1250000000", Region: "ap-guangzhou", SecretID: "id", SecretKey: "key"}
	cases := []struct {
		name string
		edit func(*cos.Config)
		code errcode.Code // "" = valid
	}{
		{"minimal", func(*cos.Config) {}, ""},
		{"base URL instead of region", func(c *cos.Config) { c.Region, c.BaseURL = "", "https://cdn.example.com" }, ""},
		{"base URL with port and slash", func(c *cos.Config) { c.BaseURL = "http://127.0.0.1:9000/" }, ""},
		{"all options", func(c *cos.Config) {
			c.SessionToken, c.PartSize, c.MultipartThreshold, c.Timeout = "tok", cos.MinPartSize, 1, time.Second
		}, ""},
		{"empty bucket", func(c *cos.Config) { c.Bucket = "" }, "Bucket"},
		{"bucket without appid", func(c *cos.Config) { c.Bucket = "records" }, "Bucket"},
		{"bucket upper case", func(c *cos.Config) { c.Bucket = "Records-125" }, "Bucket"},
		{"bucket with dot", func(c *cos.Config) { c.Bucket = "a.b-125" }, "Bucket"},
		{"no region nor base URL", func(c *cos.Config) { c.Region = "" }, "Region"},
		{"region with a slash", func(c *cos.Config) { c.Region = "ap/guangzhou" }, "Region"},
		{"base URL without scheme", func(c *cos.Config) { c.BaseURL = "cdn.example.com" }, "BaseURL"},
		{"base URL ftp", func(c *cos.Config) { c.BaseURL = "ftp://cdn.example.com" }, "BaseURL"},
		{"base URL with path", func(c *cos.Config) { c.BaseURL = "https://cdn.example.com/x" }, "BaseURL"},
		{"base URL with user", func(c *cos.Config) { c.BaseURL = "https://u:p@cdn.example.com" }, "BaseURL"},
		{"base URL garbage", func(c *cos.Config) { c.BaseURL = "http://[::1" }, "BaseURL"},
		{"base URL bad COS domain", func(c *cos.Config) { c.BaseURL = "https://a_b.cos.ap-guangzhou.myqcloud.com" }, "BaseURL"},
		{"base URL COS domain", func(c *cos.Config) { c.BaseURL = "https://records-1250000000.cos.ap-guangzhou.myqcloud.com" }, ""},
		{"no secret id", func(c *cos.Config) { c.SecretID = "" }, "SecretKey"},
		{"no secret key", func(c *cos.Config) { c.SecretKey = "" }, "SecretKey"},
		{"key with spaces", func(c *cos.Config) { c.SecretKey = " key" }, "SecretKey"},
		{"part too small", func(c *cos.Config) { c.PartSize = cos.MinPartSize - 1 }, "PartSize"},
		{"part too large", func(c *cos.Config) { c.PartSize = cos.MaxPartSize + 1 }, "PartSize"},
		{"negative threshold", func(c *cos.Config) { c.MultipartThreshold = -1 }, "MultipartThreshold"},
		{"threshold too large", func(c *cos.Config) { c.MultipartThreshold = cos.MaxPartSize + 1 }, "MultipartThreshold"},
		{"negative timeout", func(c *cos.Config) { c.Timeout = -time.Second }, "Timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := ok
			c.edit(&cfg)
			err := cfg.Validate()
			_, nerr := cos.New(cfg)
			if c.code == "" {
				if err != nil || nerr != nil {
					t.Fatalf("Validate = %v, New = %v; want both nil", err, nerr)
				}
				return
			}
			want := errcode.InvalidParameter.Detail("StorageParams." + string(c.code))
			if !errors.Is(err, want) || !errors.Is(err, errcode.InvalidParameter) || errcode.CodeOf(err) != want {
				t.Errorf("Validate = %v, want %s", err, want)
			}
			if !errors.Is(nerr, want) {
				t.Errorf("New error = %v, want %s", nerr, want)
			}
		})
	}
}

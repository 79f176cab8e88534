package vod_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/roomrec/roomrec/errcode"
	"github.com/roomrec/roomrec/storage/cos"
	"github.com/roomrec/roomrec/vod"
)

func TestConfigValidate(t *testing.T) {
	ok := vod.Config{SecretID: "AKIDx", SecretKey: "key"}
	cases := []struct {
		name string
		mod  func(*vod.Config)
		want errcode.Code // "" = valid
	}{
		{"minimal", func(*vod.Config) {}, ""},
		{"everything", func(c *vod.Config) {
			c.Region, c.SubAppID, c.Endpoint, c.Procedure, c.ClassID = "ap-shanghai", 1500000001, "vod.intl.tencentcloudapi.com", "LongVideoPreset", 3
			c.StorageRegion, c.ExpireAfter, c.SourceContext, c.SessionContext = "ap-chongqing", 24*time.Hour, strings.Repeat("✓", vod.MaxSourceContext), strings.Repeat("s", vod.MaxSessionContext)
			c.Timeout, c.COS = time.Second, cos.Config{PartSize: cos.MinPartSize, MultipartThreshold: 1 << 20, Timeout: time.Minute, BaseURL: "http://127.0.0.1:9000"}
		}, ""},
		{"endpoint URL", func(c *vod.Config) { c.Endpoint = "http://127.0.0.1:8080" }, ""},
		{"endpoint URL with slash", func(c *vod.Config) { c.Endpoint = "https://vod.tencentcloudapi.com/" }, ""},
		{"no SecretID", func(c *vod.Config) { c.SecretID = "" }, "InvalidParameter.StorageParams.SecretKey"},
		{"no SecretKey", func(c *vod.Config) { c.SecretKey = "" }, "InvalidParameter.StorageParams.SecretKey"},
		{"spaces in key", func(c *vod.Config) { c.SecretKey = " key" }, "InvalidParameter.StorageParams.SecretKey"},
		{"slash in SecretID", func(c *vod.Config) { c.SecretID = "AK/ID" }, "InvalidParameter.StorageParams.SecretKey"},
		{"region", func(c *vod.Config) { c.Region = "Guangzhou" }, "InvalidParameter.StorageParams.Region"},
		{"storage region", func(c *vod.Config) { c.StorageRegion = "ap chongqing" }, "InvalidParameter.StorageParams.StorageRegion"},
		{"endpoint path", func(c *vod.Config) { c.Endpoint = "https://vod.tencentcloudapi.com/v2" }, "InvalidParameter.StorageParams.Endpoint"},
		{"endpoint scheme", func(c *vod.Config) { c.Endpoint = "ftp://vod.tencentcloudapi.com" }, "InvalidParameter.StorageParams.Endpoint"},
		{"endpoint garbage", func(c *vod.Config) { c.Endpoint = "http://%zz" }, "InvalidParameter.StorageParams.Endpoint"},
		{"procedure spaces", func(c *vod.Config) { c.Procedure = " p" }, "InvalidParameter.StorageParams.Procedure"},
		{"negative expiry", func(c *vod.Config) { c.ExpireAfter = -time.Second }, "InvalidParameter.StorageParams.ExpireTime"},
		{"fractional expiry", func(c *vod.Config) { c.ExpireAfter = 1500 * time.Millisecond }, "InvalidParameter.StorageParams.ExpireTime"},
		{"long source context", func(c *vod.Config) { c.SourceContext = strings.Repeat("x", vod.MaxSourceContext+1) }, "InvalidParameter.StorageParams.SourceContext"},
		{"bad UTF-8 context", func(c *vod.Config) { c.SessionContext = "\xff" }, "InvalidParameter.StorageParams.SessionContext"},
		{"long session context", func(c *vod.Config) { c.SessionContext = strings.Repeat("x", vod.MaxSessionContext+1) }, "InvalidParameter.StorageParams.SessionContext"},
		{"negative timeout", func(c *vod.Config) { c.Timeout = -1 }, "InvalidParameter.StorageParams.Timeout"},
		{"COS bucket set", func(c *vod.Config) { c.COS.Bucket = "a-1250000000" }, "InvalidParameter.StorageParams.COS"},
		{"COS token set", func(c *vod.Config) { c.COS.SessionToken = "t" }, "InvalidParameter.StorageParams.COS"},
		{"COS part size", func(c *vod.Config) { c.COS.PartSize = 1000 }, "InvalidParameter.StorageParams.PartSize"},
		{"COS base URL", func(c *vod.Config) { c.COS.BaseURL = "http://h/x" }, "InvalidParameter.StorageParams.BaseURL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := ok
			c.mod(&cfg)
			err := cfg.Validate()
			if got := errcode.CodeOf(err); got != c.want {
				t.Fatalf("Validate = %v, want code %q", err, c.want)
			}
			_, nerr := vod.New(cfg)
			if (nerr == nil) != (c.want == "") || (err != nil && !errors.Is(nerr, c.want)) {
				t.Fatalf("New = %v, Validate = %v", nerr, err)
			}
			var ee *errcode.Error
			if err != nil && (!errors.As(err, &ee) || ee.Message == "") {
				t.Fatalf("%v is not an *errcode.Error with a message", err)
			}
		})
	}
}

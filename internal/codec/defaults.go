//go:build cgo

package codec

// The defaults of the configs, applied in one place (the constants and the
// field docs are in config.go). Only the cgo build opens codecs.

func (e VideoEncoding) withDefaults() VideoEncoding {
	if e.Encoder == "" {
		e.Encoder = DefaultVideoEncoder
	}
	if e.Encoder == "libx264" {
		if e.Preset == "" {
			e.Preset = DefaultPreset
		}
		if e.CRF == 0 && e.Bitrate == 0 {
			e.CRF = DefaultCRF
		}
	}
	if e.GOP == 0 {
		e.GOP = DefaultGOP
	}
	if e.FrameRate == 0 {
		e.FrameRate = DefaultFrameRate
	}
	if e.Threads == 0 {
		e.Threads = DefaultThreads
	}
	return e
}

func (c AudioEncoderConfig) withDefaults() AudioEncoderConfig {
	if c.Encoder == "" {
		c.Encoder = DefaultAudioEncoder
	}
	if c.SampleRate == 0 {
		c.SampleRate = DefaultSampleRate
	}
	if c.Channels == 0 {
		c.Channels = DefaultChannels
	}
	if c.Bitrate == 0 {
		c.Bitrate = DefaultBitratePerChannel * c.Channels
	}
	return c
}

func (c AudioConfig) withDefaults() AudioConfig {
	if c.MaxGap == 0 {
		c.MaxGap = DefaultMaxGap
	}
	enc := AudioEncoderConfig{Encoder: c.Encoder, SampleRate: c.SampleRate, Channels: c.Channels, Bitrate: c.Bitrate}.withDefaults()
	c.Encoder, c.SampleRate, c.Channels, c.Bitrate = enc.Encoder, enc.SampleRate, enc.Channels, enc.Bitrate
	return c
}

func (c DecoderConfig) withDefaults() DecoderConfig {
	if c.Threads == 0 {
		c.Threads = DefaultThreads
	}
	if c.Channels == 0 {
		c.Channels = 2
	}
	return c
}

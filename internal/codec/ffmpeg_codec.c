//go:build cgo

// ffmpeg_codec.c: library facts, frames, decoders and encoders (see ffmpeg.h).
#include <string.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/samplefmt.h>
#include <libswscale/swscale.h>
#include "ffmpeg.h"
#include "compat.h"

static enum AVCodecID rr_codec_id(int c) {
	switch (c) {
	case RR_H264: return AV_CODEC_ID_H264;
	case RR_H265: return AV_CODEC_ID_HEVC;
	case RR_VP8: return AV_CODEC_ID_VP8;
	case RR_VP9: return AV_CODEC_ID_VP9;
	case RR_AV1: return AV_CODEC_ID_AV1;
	case RR_OPUS: return AV_CODEC_ID_OPUS;
	case RR_AAC: return AV_CODEC_ID_AAC;
	}
	return AV_CODEC_ID_NONE;
}

enum AVSampleFormat rr_av_sample_fmt(int f) {
	switch (f) {
	case RR_S16: return AV_SAMPLE_FMT_S16;
	case RR_S16P: return AV_SAMPLE_FMT_S16P;
	case RR_FLT: return AV_SAMPLE_FMT_FLT;
	case RR_FLTP: return AV_SAMPLE_FMT_FLTP;
	}
	return AV_SAMPLE_FMT_NONE;
}

static void rr_version(char *buf, int len, const char *name, unsigned v) {
	int n = strlen(buf);
	snprintf(buf + n, len - n, "%s%s %u.%u.%u", n ? ", " : "", name, v >> 16, (v >> 8) & 0xff, v & 0xff);
}

const char *rr_versions(char *buf, int len) {
	buf[0] = 0;
	rr_version(buf, len, "libavcodec", avcodec_version());
	rr_version(buf, len, "libavutil", avutil_version());
	rr_version(buf, len, "libswscale", swscale_version());
	rr_version(buf, len, "libswresample", swresample_version());
	return buf;
}

// rr_default_decoder prefers software AV1 decoders: FFmpeg's native "av1"
// decoder only drives hardware.
static const AVCodec *rr_default_decoder(enum AVCodecID id) {
	if (id != AV_CODEC_ID_AV1)
		return avcodec_find_decoder(id);
	const AVCodec *c = avcodec_find_decoder_by_name("libdav1d");
	return c ? c : avcodec_find_decoder_by_name("libaom-av1");
}

// rr_find looks a codec up: 0 found, -1 absent, -2 found but for another
// codec or the other direction; *found is its name.
int rr_find(int codec, const char *name, int encoder, const char **found) {
	enum AVCodecID id = rr_codec_id(codec);
	const AVCodec *c;
	if (name && *name)
		c = encoder ? avcodec_find_encoder_by_name(name) : avcodec_find_decoder_by_name(name);
	else
		c = encoder ? avcodec_find_encoder(id) : rr_default_decoder(id);
	if (!c)
		return -1;
	*found = c->name;
	return c->id == id ? 0 : -2;
}

// rr_list writes the comma-separated names of the software-usable codecs
// of one kind (FFmpeg's registration order).
void rr_list(int codec, int encoder, char *buf, int len) {
	enum AVCodecID id = rr_codec_id(codec);
	const AVCodec *c;
	void *it = NULL;
	buf[0] = 0;
	while ((c = av_codec_iterate(&it))) {
		if (c->id != id || (encoder ? !av_codec_is_encoder(c) : !av_codec_is_decoder(c)))
			continue;
		if (!encoder && id == AV_CODEC_ID_AV1 && strcmp(c->name, "libdav1d") && strcmp(c->name, "libaom-av1"))
			continue;
		int n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", c->name);
	}
}

// rr_heap_in_use returns the bytes the C heap holds (glibc), or -1: the
// tests use it to check that Close frees everything.
long long rr_heap_in_use(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 m = mallinfo2();
	return (long long)(m.uordblks + m.hblkhd);
#else
	return -1;
#endif
}

void rr_set_log_level(int level) { av_log_set_level(level); }

void rr_strerror(int err, char *buf, int len) { av_strerror(err, buf, len); }

AVFrame *rr_frame_video(int w, int h) {
	AVFrame *f = av_frame_alloc();
	if (!f)
		return NULL;
	f->format = AV_PIX_FMT_YUV420P;
	f->width = w;
	f->height = h;
	if (av_frame_get_buffer(f, 0) < 0)
		av_frame_free(&f);
	return f;
}

AVFrame *rr_frame_audio(int fmt, int rate, int channels, int samples) {
	AVFrame *f = av_frame_alloc();
	if (!f)
		return NULL;
	f->format = rr_av_sample_fmt(fmt);
	f->sample_rate = rate;
	f->nb_samples = samples;
	rr_frame_set_channels(f, channels);
	if (av_frame_get_buffer(f, 0) < 0)
		av_frame_free(&f);
	return f;
}

void rr_frame_free(AVFrame *f) { av_frame_free(&f); }

int rr_frame_channels(const AVFrame *f) { return rr_channels(f); }

int rr_frame_sample_format(const AVFrame *f) {
	switch (f->format) {
	case AV_SAMPLE_FMT_S16: return RR_S16;
	case AV_SAMPLE_FMT_S16P: return RR_S16P;
	case AV_SAMPLE_FMT_FLT: return RR_FLT;
	case AV_SAMPLE_FMT_FLTP: return RR_FLTP;
	}
	return 0;
}

int rr_frame_is_yuv420p(const AVFrame *f) {
	return f->width > 0 && (f->format == AV_PIX_FMT_YUV420P || f->format == AV_PIX_FMT_YUVJ420P);
}

static int rr_is_audio(const AVFrame *f) { return f->width == 0 && f->nb_samples > 0; }

int rr_frame_plane_len(const AVFrame *f, int i) {
	if (i < 0 || i >= AV_NUM_DATA_POINTERS || !f->data[i])
		return 0;
	if (rr_is_audio(f)) { // only linesize[0] is set for audio
		int bps = av_get_bytes_per_sample(f->format), ch = rr_channels(f);
		if (av_sample_fmt_is_planar(f->format))
			return i < ch ? f->nb_samples * bps : 0;
		return i == 0 ? f->nb_samples * bps * ch : 0;
	}
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
	if (!d || f->height <= 0 || f->linesize[i] <= 0)
		return 0;
	int h = f->height;
	if (!(d->flags & AV_PIX_FMT_FLAG_RGB) && d->nb_components > 2 && i != d->comp[0].plane &&
		(i == d->comp[1].plane || i == d->comp[2].plane))
		h = AV_CEIL_RSHIFT(h, d->log2_chroma_h);
	return f->linesize[i] * h;
}

int64_t rr_frame_pts(const AVFrame *f) {
	return f->best_effort_timestamp != AV_NOPTS_VALUE ? f->best_effort_timestamp : f->pts;
}

int rr_frame_fill(AVFrame *f, int y, int u, int v) {
	if (f->format != AV_PIX_FMT_YUV420P && f->format != AV_PIX_FMT_YUVJ420P)
		return AVERROR(EINVAL);
	int vals[3] = {y, u, v};
	for (int p = 0; p < 3; p++) {
		int h = p ? AV_CEIL_RSHIFT(f->height, 1) : f->height;
		int w = p ? AV_CEIL_RSHIFT(f->width, 1) : f->width;
		for (int r = 0; r < h; r++)
			memset(f->data[p] + (size_t)r * f->linesize[p], vals[p], w);
	}
	return 0;
}

// rr_frame_crop_ref makes dst a reference to src cropped to w×h (top left)
// and labelled yuv420p (a yuvj420p picture keeps its full-range flag).
int rr_frame_crop_ref(AVFrame *dst, AVFrame *src, int w, int h) {
	av_frame_unref(dst);
	int ret = av_frame_ref(dst, src);
	if (ret < 0)
		return ret;
	dst->width = w;
	dst->height = h;
	if (dst->format == AV_PIX_FMT_YUVJ420P) {
		dst->format = AV_PIX_FMT_YUV420P;
		dst->color_range = AVCOL_RANGE_JPEG;
	}
	return 0;
}

// RR_MAX_PIXELS bounds the picture a decoder accepts (4096×4096: above
// 4K), so that a hostile header cannot make it allocate gigabytes.
#define RR_MAX_PIXELS (4096 * 4096)

struct rr_dec {
	AVCodecContext *ctx;
	AVPacket *pkt;
	AVBufferPool *pool;
	int pool_size;
};

// rr_opus_head sets an OpusHead without pre-skip: RTP Opus has none, and
// the output must keep every sample's time.
static int rr_opus_head(AVCodecContext *c, int channels) {
	uint8_t *x = av_mallocz(19 + AV_INPUT_BUFFER_PADDING_SIZE);
	if (!x)
		return AVERROR(ENOMEM);
	memcpy(x, "OpusHead", 8);
	x[8] = 1;
	x[9] = channels;
	x[12] = 0x80; // input sample rate 48000, little endian
	x[13] = 0xBB;
	c->extradata = x;
	c->extradata_size = 19;
	c->sample_rate = 48000;
	rr_ctx_set_channels(c, channels);
	c->pkt_timebase = (AVRational){1, 48000};
	return 0;
}

void rr_dec_free(rr_dec *d) {
	if (!d)
		return;
	avcodec_free_context(&d->ctx);
	av_packet_free(&d->pkt);
	av_buffer_pool_uninit(&d->pool);
	av_free(d);
}

int rr_dec_open(rr_dec **out, int codec, const char *name, int threads, int channels) {
	const char *found;
	if (rr_find(codec, name, 0, &found) != 0)
		return AVERROR_DECODER_NOT_FOUND;
	const AVCodec *dc = (name && *name) ? avcodec_find_decoder_by_name(name) : rr_default_decoder(rr_codec_id(codec));
	rr_dec *d = av_mallocz(sizeof *d);
	if (!d)
		return AVERROR(ENOMEM);
	d->ctx = avcodec_alloc_context3(dc);
	d->pkt = av_packet_alloc();
	int ret = (d->ctx && d->pkt) ? 0 : AVERROR(ENOMEM);
	if (ret == 0) {
		d->ctx->thread_count = threads;
		d->ctx->max_pixels = RR_MAX_PIXELS;
		d->ctx->pkt_timebase = (AVRational){1, 90000};
		if (codec == RR_OPUS)
			ret = rr_opus_head(d->ctx, channels);
	}
	if (ret == 0)
		ret = avcodec_open2(d->ctx, dc, NULL);
	if (ret < 0) {
		rr_dec_free(d);
		return ret;
	}
	*out = d;
	return 0;
}

// rr_dec_send copies data into a pooled, padded, reference-counted buffer
// (no allocation once the pool holds a large enough buffer) and sends it.
int rr_dec_send(rr_dec *d, const uint8_t *data, int size, int64_t pts, int key) {
	int need = size + AV_INPUT_BUFFER_PADDING_SIZE;
	if (!d->pool || d->pool_size < need) {
		int n = d->pool_size ? d->pool_size : 4096;
		while (n < need)
			n *= 2;
		av_buffer_pool_uninit(&d->pool);
		d->pool = av_buffer_pool_init(n, NULL);
		d->pool_size = d->pool ? n : 0;
		if (!d->pool)
			return AVERROR(ENOMEM);
	}
	AVBufferRef *b = av_buffer_pool_get(d->pool);
	if (!b)
		return AVERROR(ENOMEM);
	memcpy(b->data, data, size);
	memset(b->data + size, 0, AV_INPUT_BUFFER_PADDING_SIZE);
	d->pkt->buf = b;
	d->pkt->data = b->data;
	d->pkt->size = size;
	d->pkt->pts = pts;
	d->pkt->dts = AV_NOPTS_VALUE;
	d->pkt->flags = key ? AV_PKT_FLAG_KEY : 0;
	int ret = avcodec_send_packet(d->ctx, d->pkt);
	av_packet_unref(d->pkt);
	return ret;
}

int rr_dec_drain(rr_dec *d) { return avcodec_send_packet(d->ctx, NULL); }

int rr_dec_receive(rr_dec *d, AVFrame *f) { return avcodec_receive_frame(d->ctx, f); }

void rr_dec_reset(rr_dec *d) { avcodec_flush_buffers(d->ctx); }

const char *rr_dec_name(const rr_dec *d) { return d->ctx->codec->name; }

struct rr_enc {
	AVCodecContext *ctx;
	AVPacket *pkt;
};

void rr_enc_free(rr_enc *e) {
	if (!e)
		return;
	avcodec_free_context(&e->ctx);
	av_packet_free(&e->pkt);
	av_free(e);
}

int rr_enc_alloc(rr_enc **out, const char *name) {
	const AVCodec *c = avcodec_find_encoder_by_name(name);
	if (!c)
		return AVERROR_ENCODER_NOT_FOUND;
	rr_enc *e = av_mallocz(sizeof *e);
	if (!e)
		return AVERROR(ENOMEM);
	e->ctx = avcodec_alloc_context3(c);
	e->pkt = av_packet_alloc();
	if (!e->ctx || !e->pkt) {
		rr_enc_free(e);
		return AVERROR(ENOMEM);
	}
	*out = e;
	return 0;
}

int rr_enc_option(rr_enc *e, const char *key, const char *value) {
	return av_opt_set(e->ctx, key, value, AV_OPT_SEARCH_CHILDREN);
}

// rr_venc_open configures and opens an H.264 encoder: time base 1/90000
// (any frame rate), no B-frames, closed GOPs; for libx264 also the preset,
// CRF, IDR keyframes when forced, no scene-cut keyframes, SPS/PPS before
// every keyframe and only its error messages.
int rr_venc_open(rr_enc *e, int w, int h, int fps, int gop, int threads, int64_t bitrate,
	int crf, const char *preset) {
	AVCodecContext *c = e->ctx;
	if (c->codec->id != AV_CODEC_ID_H264)
		return AVERROR(EINVAL);
	c->width = w;
	c->height = h;
	c->pix_fmt = AV_PIX_FMT_YUV420P;
	c->time_base = (AVRational){1, 90000};
	c->framerate = (AVRational){fps, 1};
	c->gop_size = gop;
	c->max_b_frames = 0;
	c->thread_count = threads;
	c->flags |= AV_CODEC_FLAG_CLOSED_GOP;
	if (bitrate > 0) {
		c->bit_rate = bitrate;
		c->rc_max_rate = bitrate;
		c->rc_buffer_size = (int)(2 * bitrate);
	}
	int ret = 0;
	if (strcmp(c->codec->name, "libx264") == 0) {
		if (preset && *preset)
			ret = av_opt_set(c->priv_data, "preset", preset, 0);
		if (ret >= 0 && crf > 0)
			ret = av_opt_set_double(c->priv_data, "crf", crf, 0);
		if (ret >= 0)
			ret = av_opt_set_int(c->priv_data, "forced-idr", 1, 0);
		if (ret >= 0)
			ret = av_opt_set(c->priv_data, "x264-params", "scenecut=0:repeat-headers=1:log=0", 0);
	} else if (preset && *preset) {
		ret = av_opt_set(c, "preset", preset, AV_OPT_SEARCH_CHILDREN);
	}
	return ret;
}

int rr_aenc_open(rr_enc *e, int rate, int channels, int64_t bitrate) {
	AVCodecContext *c = e->ctx;
	if (c->codec->type != AVMEDIA_TYPE_AUDIO)
		return AVERROR(EINVAL);
	c->sample_fmt = AV_SAMPLE_FMT_FLTP;
	c->sample_rate = rate;
	rr_ctx_set_channels(c, channels);
	c->bit_rate = bitrate;
	c->time_base = (AVRational){1, rate};
	c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	c->thread_count = 1;
	return 0;
}

// rr_enc_start opens the configured encoder (after rr_enc_option calls).
int rr_enc_start(rr_enc *e) { return avcodec_open2(e->ctx, e->ctx->codec, NULL); }

int rr_enc_send(rr_enc *e, AVFrame *f, int key) {
	if (f && e->ctx->codec->type == AVMEDIA_TYPE_VIDEO)
		f->pict_type = key ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
	return avcodec_send_frame(e->ctx, f);
}

rr_pkt rr_enc_receive(rr_enc *e) {
	rr_pkt out = {0};
	av_packet_unref(e->pkt);
	out.err = avcodec_receive_packet(e->ctx, e->pkt);
	if (out.err < 0)
		return out;
	out.data = e->pkt->data;
	out.size = e->pkt->size;
	out.key = (e->pkt->flags & AV_PKT_FLAG_KEY) != 0;
	out.pts = e->pkt->pts;
	out.dts = e->pkt->dts;
	return out;
}

const uint8_t *rr_enc_extradata(const rr_enc *e, int *size) {
	*size = e->ctx->extradata_size;
	return e->ctx->extradata;
}

int rr_enc_frame_size(const rr_enc *e) { return e->ctx->frame_size; }

const char *rr_enc_name(const rr_enc *e) { return e->ctx->codec->name; }

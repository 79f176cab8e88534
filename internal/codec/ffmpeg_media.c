//go:build cgo

// ffmpeg_media.c: scaling (swscale) and resampling (swresample) with an
// output FIFO (see ffmpeg.h).
#include <libavutil/audio_fifo.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include "ffmpeg.h"
#include "compat.h"

struct rr_scaler {
	struct SwsContext *sws;
	int flags;
};

rr_scaler *rr_scaler_new(int filter) {
	rr_scaler *s = av_mallocz(sizeof *s);
	if (!s)
		return NULL;
	static const int flags[] = {SWS_BILINEAR, SWS_FAST_BILINEAR, SWS_BICUBIC, SWS_AREA};
	s->flags = flags[filter >= 0 && filter < 4 ? filter : 0];
	return s;
}

void rr_scaler_free(rr_scaler *s) {
	if (!s)
		return;
	sws_freeContext(s->sws);
	av_free(s);
}

// rr_offset sets p to the plane pointers of f at pixel (x, y). It fails
// unless the format is planar (or the point is the origin) and x, y fall
// on a chroma sample.
static int rr_offset(const AVFrame *f, int x, int y, uint8_t *p[4]) {
	const AVPixFmtDescriptor *d = av_pix_fmt_desc_get(f->format);
	if (!d || !f->data[0])
		return AVERROR(EINVAL);
	for (int i = 0; i < 4; i++)
		p[i] = f->data[i];
	if (x == 0 && y == 0)
		return 0;
	if (!(d->flags & AV_PIX_FMT_FLAG_PLANAR) || (d->flags & AV_PIX_FMT_FLAG_BITSTREAM) ||
		(x & ((1 << d->log2_chroma_w) - 1)) || (y & ((1 << d->log2_chroma_h) - 1)))
		return AVERROR(EINVAL);
	int steps[4];
	av_image_fill_max_pixsteps(steps, NULL, d);
	for (int i = 0; i < 4; i++) {
		if (!p[i])
			continue;
		int sub = !(d->flags & AV_PIX_FMT_FLAG_RGB) && d->nb_components > 2 && i != d->comp[0].plane &&
			(i == d->comp[1].plane || i == d->comp[2].plane);
		int px = sub ? x >> d->log2_chroma_w : x, py = sub ? y >> d->log2_chroma_h : y;
		p[i] += (ptrdiff_t)py * f->linesize[i] + (ptrdiff_t)px * steps[i];
	}
	return 0;
}

// rr_scale scales the rectangle (sx, sy, sw, sh) of src into the rectangle
// (dx, dy, dw, dh) of dst, converting the pixel format. The context is
// cached: it is rebuilt only when sizes or formats change.
int rr_scale(rr_scaler *s, AVFrame *dst, int dx, int dy, int dw, int dh,
	const AVFrame *src, int sx, int sy, int sw, int sh) {
	uint8_t *sp[4], *dp[4];
	int ret = rr_offset(src, sx, sy, sp);
	if (ret >= 0)
		ret = rr_offset(dst, dx, dy, dp);
	if (ret < 0)
		return ret;
	s->sws = sws_getCachedContext(s->sws, sw, sh, src->format, dw, dh, dst->format, s->flags, NULL, NULL, NULL);
	if (!s->sws)
		return AVERROR(EINVAL);
	ret = sws_scale(s->sws, (const uint8_t *const *)sp, src->linesize, 0, sh, dp, dst->linesize);
	return ret < 0 ? ret : 0;
}

struct rr_rs {
	SwrContext *swr; // NULL when input and output formats are the same
	AVAudioFifo *fifo;
	AVFrame *out;  // the frame rr_rs_read fills
	int out_cap;   // its capacity in samples
	uint8_t **conv; // converted samples before the FIFO
	int conv_cap;
	uint8_t **sil; // silence in the input format
	int sil_cap;
	int in_rate, in_ch, in_fmt, out_rate, out_ch, out_fmt;
	int64_t read;
};

static void rr_free_samples(uint8_t ***b, int *cap) {
	if (*b)
		av_freep(&(*b)[0]);
	av_freep(b);
	*cap = 0;
}

void rr_rs_free(rr_rs *r) {
	if (!r)
		return;
	swr_free(&r->swr);
	if (r->fifo)
		av_audio_fifo_free(r->fifo);
	av_frame_free(&r->out);
	rr_free_samples(&r->conv, &r->conv_cap);
	rr_free_samples(&r->sil, &r->sil_cap);
	av_free(r);
}

// rr_rs_configure (re)builds the converter for an input format. Downmixes
// are normalised (rematrix_maxval 1) so that mono-in-stereo does not clip.
static int rr_rs_configure(rr_rs *r, int rate, int ch, int fmt) {
	swr_free(&r->swr);
	rr_free_samples(&r->sil, &r->sil_cap);
	r->in_rate = rate;
	r->in_ch = ch;
	r->in_fmt = fmt;
	if (rate == r->out_rate && ch == r->out_ch && fmt == r->out_fmt)
		return 0;
	int ret = rr_swr_alloc(&r->swr, r->out_ch, r->out_fmt, r->out_rate, ch, fmt, rate);
	if (ret >= 0)
		ret = av_opt_set_double(r->swr, "rematrix_maxval", 1.0, 0);
	if (ret >= 0)
		ret = swr_init(r->swr);
	if (ret < 0)
		swr_free(&r->swr);
	return ret;
}

int rr_rs_open(rr_rs **out, int in_rate, int in_ch, int in_fmt, int out_rate, int out_ch, int out_fmt) {
	rr_rs *r = av_mallocz(sizeof *r);
	if (!r)
		return AVERROR(ENOMEM);
	r->out_rate = out_rate;
	r->out_ch = out_ch;
	r->out_fmt = rr_av_sample_fmt(out_fmt);
	r->fifo = av_audio_fifo_alloc(r->out_fmt, out_ch, 4096);
	int ret = r->fifo ? rr_rs_configure(r, in_rate, in_ch, rr_av_sample_fmt(in_fmt)) : AVERROR(ENOMEM);
	if (ret < 0) {
		rr_rs_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

static int rr_grow(uint8_t ***b, int *cap, int need, int ch, int fmt) {
	if (*cap >= need)
		return 0;
	rr_free_samples(b, cap);
	int n = need < 4096 ? 4096 : need;
	int ret = av_samples_alloc_array_and_samples(b, NULL, ch, n, fmt, 0);
	if (ret < 0)
		return ret;
	*cap = n;
	return 0;
}

// rr_rs_push converts n input samples into the FIFO.
static int rr_rs_push(rr_rs *r, const uint8_t **data, int n) {
	if (!r->swr)
		return av_audio_fifo_write(r->fifo, (void **)data, n);
	int cap = swr_get_out_samples(r->swr, n);
	int ret = cap < 0 ? cap : rr_grow(&r->conv, &r->conv_cap, cap, r->out_ch, r->out_fmt);
	if (ret < 0)
		return ret;
	int got = swr_convert(r->swr, r->conv, r->conv_cap, data, n);
	if (got <= 0)
		return got;
	return av_audio_fifo_write(r->fifo, (void **)r->conv, got);
}

int rr_rs_write(rr_rs *r, const AVFrame *in) {
	int ch = rr_channels(in);
	if (in->nb_samples <= 0 || ch <= 0 || in->sample_rate <= 0)
		return AVERROR(EINVAL);
	if (in->sample_rate != r->in_rate || ch != r->in_ch || in->format != r->in_fmt) {
		int ret = rr_rs_configure(r, in->sample_rate, ch, in->format);
		if (ret < 0)
			return ret;
	}
	int ret = rr_rs_push(r, (const uint8_t **)in->extended_data, in->nb_samples);
	return ret < 0 ? ret : 0;
}

// rr_rs_silence writes samples of silence at the input rate.
int rr_rs_silence(rr_rs *r, int samples) {
	enum { chunk = 4800 };
	if (!r->sil) {
		int ret = rr_grow(&r->sil, &r->sil_cap, chunk, r->in_ch, r->in_fmt);
		if (ret < 0)
			return ret;
		av_samples_set_silence(r->sil, 0, r->sil_cap, r->in_ch, r->in_fmt);
	}
	while (samples > 0) {
		int n = samples < r->sil_cap ? samples : r->sil_cap;
		int ret = rr_rs_push(r, (const uint8_t **)r->sil, n);
		if (ret < 0)
			return ret;
		samples -= n;
	}
	return 0;
}

// rr_rs_flush moves the converter's delayed samples into the FIFO and
// resets it for further input.
int rr_rs_flush(rr_rs *r) {
	if (!r->swr)
		return 0;
	int ret = rr_grow(&r->conv, &r->conv_cap, 4096, r->out_ch, r->out_fmt);
	while (ret >= 0) {
		int got = swr_convert(r->swr, r->conv, r->conv_cap, NULL, 0);
		if (got <= 0) {
			ret = got;
			break;
		}
		ret = av_audio_fifo_write(r->fifo, (void **)r->conv, got);
	}
	return ret < 0 ? ret : swr_init(r->swr);
}

int rr_rs_size(const rr_rs *r) { return av_audio_fifo_size(r->fifo); }

// rr_rs_read returns a frame of exactly samples samples from the FIFO (its
// pts is the output sample count before it), or no frame and error 0 when
// the FIFO holds fewer.
static int rr_rs_out(rr_rs *r, int samples) {
	if (r->out_cap >= samples)
		return 0;
	av_frame_free(&r->out);
	r->out_cap = 0;
	r->out = av_frame_alloc();
	if (!r->out)
		return AVERROR(ENOMEM);
	r->out->format = r->out_fmt;
	r->out->sample_rate = r->out_rate;
	r->out->nb_samples = samples;
	rr_frame_set_channels(r->out, r->out_ch);
	int ret = av_frame_get_buffer(r->out, 0);
	if (ret >= 0)
		r->out_cap = samples;
	return ret;
}

rr_read rr_rs_read(rr_rs *r, int samples) {
	rr_read res = {NULL, 0};
	if (samples <= 0 || av_audio_fifo_size(r->fifo) < samples)
		return res;
	if ((res.err = rr_rs_out(r, samples)) < 0)
		return res;
	r->out->nb_samples = r->out_cap;
	if ((res.err = av_frame_make_writable(r->out)) < 0)
		return res;
	r->out->nb_samples = samples;
	int got = av_audio_fifo_read(r->fifo, (void **)r->out->extended_data, samples);
	if (got < samples) {
		res.err = got < 0 ? got : AVERROR_BUG;
		return res;
	}
	r->out->pts = r->read;
	r->read += samples;
	res.frame = r->out;
	return res;
}

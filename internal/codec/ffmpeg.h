// ffmpeg.h declares the C half of package codec: thin helpers over
// libavcodec, libavutil, libswscale and libswresample that keep every
// version-dependent detail (AVChannelLayout since libavutil 57.24, the
// swresample allocation API) on the C side, so the Go side builds against
// FFmpeg 4.4 … 8.x. Only the send/receive codec API is used.
#ifndef ROOMREC_CODEC_FFMPEG_H
#define ROOMREC_CODEC_FFMPEG_H

#include <errno.h>
#include <stdint.h>
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>

// Codec numbers shared with the Go constants (H264 = 1 … AAC = 7).
enum { RR_H264 = 1, RR_H265, RR_VP8, RR_VP9, RR_AV1, RR_OPUS, RR_AAC };

// Sample formats shared with the Go constants (SampleS16 = 1 …).
enum { RR_S16 = 1, RR_S16P, RR_FLT, RR_FLTP };

// Error codes the Go side tests for.
enum {
	RR_EAGAIN = AVERROR(EAGAIN),
	RR_EOF = AVERROR_EOF,
	RR_EINVAL = AVERROR(EINVAL),
	RR_INVALIDDATA = AVERROR_INVALIDDATA,
};

// rr_pkt describes the packet an encoder last returned, or the error
// (results are returned by value: a pointer to a Go variable would make it
// escape to the heap at every call).
typedef struct rr_pkt {
	const uint8_t *data;
	int size;
	int key;
	int64_t pts, dts;
	int err;
} rr_pkt;

// rr_read is a frame read from a resampler, or NULL and an error (0 when
// there are not enough samples).
typedef struct rr_read {
	AVFrame *frame;
	int err;
} rr_read;

typedef struct rr_dec rr_dec;
typedef struct rr_enc rr_enc;
typedef struct rr_scaler rr_scaler;
typedef struct rr_rs rr_rs;

// Library facts.
const char *rr_versions(char *buf, int len);
int rr_find(int codec, const char *name, int encoder, const char **found);
void rr_list(int codec, int encoder, char *buf, int len);
void rr_set_log_level(int level);
long long rr_heap_in_use(void);
void rr_strerror(int err, char *buf, int len);
enum AVSampleFormat rr_av_sample_fmt(int f);

// Frames.
AVFrame *rr_frame_video(int w, int h);
AVFrame *rr_frame_audio(int fmt, int rate, int channels, int samples);
void rr_frame_free(AVFrame *f);
int rr_frame_channels(const AVFrame *f);
int rr_frame_sample_format(const AVFrame *f);
int rr_frame_is_yuv420p(const AVFrame *f);
int rr_frame_plane_len(const AVFrame *f, int plane);
int64_t rr_frame_pts(const AVFrame *f);
int rr_frame_fill(AVFrame *f, int y, int u, int v);
int rr_frame_crop_ref(AVFrame *dst, AVFrame *src, int w, int h);

// Decoders.
int rr_dec_open(rr_dec **out, int codec, const char *name, int threads, int channels);
int rr_dec_send(rr_dec *d, const uint8_t *data, int size, int64_t pts, int key);
int rr_dec_drain(rr_dec *d);
int rr_dec_receive(rr_dec *d, AVFrame *f);
void rr_dec_reset(rr_dec *d);
const char *rr_dec_name(const rr_dec *d);
void rr_dec_free(rr_dec *d);

// Encoders.
int rr_enc_alloc(rr_enc **out, const char *name);
int rr_enc_option(rr_enc *e, const char *key, const char *value);
int rr_venc_open(rr_enc *e, int w, int h, int fps, int gop, int threads, int64_t bitrate,
	int crf, const char *preset);
int rr_aenc_open(rr_enc *e, int rate, int channels, int64_t bitrate);
int rr_enc_start(rr_enc *e);
int rr_enc_send(rr_enc *e, AVFrame *f, int key);
rr_pkt rr_enc_receive(rr_enc *e);
const uint8_t *rr_enc_extradata(const rr_enc *e, int *size);
int rr_enc_frame_size(const rr_enc *e);
const char *rr_enc_name(const rr_enc *e);
void rr_enc_free(rr_enc *e);

// Scaling.
rr_scaler *rr_scaler_new(int filter);
int rr_scale(rr_scaler *s, AVFrame *dst, int dx, int dy, int dw, int dh,
	const AVFrame *src, int sx, int sy, int sw, int sh);
void rr_scaler_free(rr_scaler *s);

// Resampling with an output FIFO.
int rr_rs_open(rr_rs **out, int in_rate, int in_ch, int in_fmt, int out_rate, int out_ch, int out_fmt);
int rr_rs_write(rr_rs *r, const AVFrame *in);
int rr_rs_silence(rr_rs *r, int samples);
int rr_rs_flush(rr_rs *r);
int rr_rs_size(const rr_rs *r);
rr_read rr_rs_read(rr_rs *r, int samples);
void rr_rs_free(rr_rs *r);

#endif

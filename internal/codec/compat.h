// compat.h holds the helpers whose body depends on the FFmpeg version:
// channel layouts (AVChannelLayout since libavutil 57.24.100, FFmpeg 5.1;
// the old channels/channel_layout fields before, removed in FFmpeg 7) and
// the swresample allocation call that goes with them.
#ifndef ROOMREC_CODEC_COMPAT_H
#define ROOMREC_CODEC_COMPAT_H

#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/version.h>
#include <libswresample/swresample.h>

#if LIBAVUTIL_VERSION_INT >= AV_VERSION_INT(57, 24, 100)
#define RR_CH_LAYOUT 1
#endif

static inline void rr_ctx_set_channels(AVCodecContext *c, int n) {
#ifdef RR_CH_LAYOUT
	av_channel_layout_uninit(&c->ch_layout);
	av_channel_layout_default(&c->ch_layout, n);
#else
	c->channels = n;
	c->channel_layout = av_get_default_channel_layout(n);
#endif
}

static inline void rr_frame_set_channels(AVFrame *f, int n) {
#ifdef RR_CH_LAYOUT
	av_channel_layout_uninit(&f->ch_layout);
	av_channel_layout_default(&f->ch_layout, n);
#else
	f->channels = n;
	f->channel_layout = av_get_default_channel_layout(n);
#endif
}

static inline int rr_channels(const AVFrame *f) {
#ifdef RR_CH_LAYOUT
	return f->ch_layout.nb_channels;
#else
	return f->channels;
#endif
}

// rr_swr_alloc allocates a resampler between the default layouts of the
// channel counts.
static inline int rr_swr_alloc(SwrContext **s, int out_ch, int out_fmt, int out_rate,
	int in_ch, int in_fmt, int in_rate) {
#if defined(RR_CH_LAYOUT) && LIBSWRESAMPLE_VERSION_INT >= AV_VERSION_INT(4, 5, 100)
	AVChannelLayout ol, il;
	av_channel_layout_default(&ol, out_ch);
	av_channel_layout_default(&il, in_ch);
	int ret = swr_alloc_set_opts2(s, &ol, out_fmt, out_rate, &il, in_fmt, in_rate, 0, NULL);
	av_channel_layout_uninit(&ol);
	av_channel_layout_uninit(&il);
	return ret;
#else
	*s = swr_alloc_set_opts(NULL, av_get_default_channel_layout(out_ch), out_fmt, out_rate,
		av_get_default_channel_layout(in_ch), in_fmt, in_rate, 0, NULL);
	return *s ? 0 : AVERROR(ENOMEM);
#endif
}

#endif

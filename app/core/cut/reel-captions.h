/* reel-captions.h: caption line wrapping and SRT / WebVTT sidecar files
 *
 * Lines are wrapped with ICU's line breaking, so Chinese and Japanese break
 * between characters but never put 。，！？ at the start of a line, and width is
 * counted in columns: an East Asian wide character takes two. Works on any
 * thread.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "reel-cut.h"

G_BEGIN_DECLS

/* 42 columns: the usual subtitle limit for Latin text; in Chinese or Japanese
 * it holds 16 characters. */
#define REEL_CAPTIONS_DEFAULT_COLUMNS 42
/* A cue that wraps to more lines is shown as consecutive cues. */
#define REEL_CAPTIONS_MAX_LINES 2
/* The shortest time a caption stays on screen where its cue allows
 * (Netflix: five sixths of a second). */
#define REEL_CAPTIONS_MIN_EVENT_SECONDS (5.0 / 6.0)

/* Width of @text in columns: East Asian wide and fullwidth characters count 2,
 * combining marks 0, everything else 1. */
guint reel_captions_get_columns (const char *text);

/* Wraps @text into lines of at most @max_columns columns, joined with "\n",
 * where a Chinese or Japanese character takes 42 / 16 columns, so a line of
 * 42 columns holds 42 Latin or 16 CJK characters. Lines break between words
 * (ICU's dictionary finds the words of Chinese and Japanese), never inside
 * one, unless a word is wider than a line. Line breaks already in @text are
 * kept. Text that fits on two lines is split into two lines of balanced
 * width, after punctuation where that keeps them nearly even. */
char *reel_captions_wrap (const char *text, guint max_columns);

/* A caption as shown: one screen of a cue. */
typedef struct
{
  double start; /* seconds in the cut */
  double duration;
  char  *text; /* "SPEAKER: text", wrapped to at most REEL_CAPTIONS_MAX_LINES lines */
} ReelCaptionEvent;

void reel_caption_event_free (ReelCaptionEvent *event);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelCaptionEvent, reel_caption_event_free)

/* (element-type ReelCaptionEvent): @cue as the screens that show it, in
 * order, covering its time exactly. Its text is wrapped to
 * REEL_CAPTIONS_DEFAULT_COLUMNS; text longer than two lines is cut into
 * screens of even length, between sentences or clauses where it can be, so
 * none is a word left over, and each stays at least
 * REEL_CAPTIONS_MIN_EVENT_SECONDS where the cue is long enough. */
GPtrArray *reel_captions_layout_cue (const ReelCutCue *cue);
/* (element-type ReelCaptionEvent): every cue of @cut so, in time order. The
 * burned, soft and sidecar captions all show these. */
GPtrArray *reel_captions_layout (const ReelCut *cut);

/* Sidecar subtitles from cut->cues, "SPEAKER: text" where a cue has a speaker,
 * wrapped to REEL_CAPTIONS_DEFAULT_COLUMNS. SRT times are HH:MM:SS,mmm, WebVTT
 * times HH:MM:SS.mmm after a "WEBVTT" header. */
char *reel_captions_to_srt (const ReelCut *cut);
char *reel_captions_to_webvtt (const ReelCut *cut);

/* Write atomically: a failed write leaves no file under @path. */
gboolean reel_captions_write_srt (const ReelCut *cut, const char *path, GError **error);
gboolean reel_captions_write_webvtt (const ReelCut *cut, const char *path, GError **error);

G_END_DECLS

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

/* 42 columns: the usual subtitle limit for Latin text, 21 Chinese characters. */
#define REEL_CAPTIONS_DEFAULT_COLUMNS 42
/* A cue that wraps to more lines is shown as consecutive cues. */
#define REEL_CAPTIONS_MAX_LINES 2

/* Width of @text in columns: East Asian wide and fullwidth characters count 2,
 * combining marks 0, everything else 1. */
guint reel_captions_get_columns (const char *text);

/* Wraps @text into lines of at most @max_columns columns, joined with "\n".
 * Line breaks already in @text are kept. Text that fits on two lines is split
 * into two lines of balanced width. A single word wider than @max_columns is
 * broken between characters. */
char *reel_captions_wrap (const char *text, guint max_columns);

/* Sidecar subtitles from cut->cues, "SPEAKER: text" where a cue has a speaker,
 * wrapped to REEL_CAPTIONS_DEFAULT_COLUMNS. SRT times are HH:MM:SS,mmm, WebVTT
 * times HH:MM:SS.mmm after a "WEBVTT" header. */
char *reel_captions_to_srt (const ReelCut *cut);
char *reel_captions_to_webvtt (const ReelCut *cut);

/* Write atomically: a failed write leaves no file under @path. */
gboolean reel_captions_write_srt (const ReelCut *cut, const char *path, GError **error);
gboolean reel_captions_write_webvtt (const ReelCut *cut, const char *path, GError **error);

G_END_DECLS

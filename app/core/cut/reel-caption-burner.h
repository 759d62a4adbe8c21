/* reel-caption-burner.h: burned captions and the label, drawn on the film's frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _ReelCaptionBurner ReelCaptionBurner;

typedef enum
{
  REEL_CAPTION_CORNER_TOP_LEFT,
  REEL_CAPTION_CORNER_TOP_RIGHT,
  REEL_CAPTION_CORNER_BOTTOM_LEFT,
  REEL_CAPTION_CORNER_BOTTOM_RIGHT,
} ReelCaptionCorner;

ReelCaptionBurner *reel_caption_burner_new (void);
void               reel_caption_burner_free (ReelCaptionBurner *self);

/* A caption shown at the bottom centre on frames whose middle falls in
 * [@start, @end) of stream time. Cues are added in time order; one that
 * starts under the one before ends that one. @text may hold newlines. */
void reel_caption_burner_add_cue (ReelCaptionBurner *self,
                                  GstClockTime       start,
                                  GstClockTime       end,
                                  const char        *text);

/* A small line of text shown in @corner on every frame. */
void
reel_caption_burner_set_label (ReelCaptionBurner *self, const char *text, ReelCaptionCorner corner);

gboolean reel_caption_burner_is_empty (const ReelCaptionBurner *self);

/* Draws on the raw video frames that pass @pad, from its streaming thread,
 * and takes @self: it is freed with the probe. */
void reel_caption_burner_attach (ReelCaptionBurner *self, GstPad *pad);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReelCaptionBurner, reel_caption_burner_free)

G_END_DECLS

/* reel-animatic.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "storyreel-animatic"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/app/gstappsrc.h>
#include <pango/pangocairo.h>

#include "reel-animatic.h"
#include "reel-media-store.h"

/* The card is drawn once onto a canvas this much larger than the frame on
 * each side, so the camera can move without showing an edge. */
#define OVERSCAN 0.10
/* How far the camera travels: a fraction of the frame, or a zoom factor. */
#define PAN_TRAVEL 0.08
#define ZOOM_TRAVEL 1.15
/* Title safe and action safe margins, per side. */
#define TITLE_SAFE 0.10
#define ACTION_SAFE 0.05
#define MAX_SIDE 7680
#define MAX_FPS 120
#define MAX_DURATION 600.0
/* Frames queued in appsrc before the renderer waits for the encoder. */
#define MAX_QUEUED_FRAMES 4
#define BUS_POLL_INTERVAL (20 * GST_MSECOND)
#define FINISH_TIMEOUT_US (120 * G_USEC_PER_SEC)
/* x264's frame threads make its output vary from run to run; slices do not,
 * and a fixed count gives the same bytes whatever machine renders. */
#define ENCODER_THREADS 4

#define PAPER_RGB 0.953, 0.937, 0.902
#define INK_RGB 0.118, 0.118, 0.118
#define SOFT_INK_RGB 0.333, 0.333, 0.333
#define IMAGE_BACKGROUND 0.110, 0.110, 0.110

GQuark
reel_animatic_error_quark (void)
{
  return g_quark_from_static_string ("reel-animatic-error-quark");
}

/* ReelAnimaticSpec */

ReelAnimaticSpec *
reel_animatic_spec_new (void)
{
  ReelAnimaticSpec *spec = g_new0 (ReelAnimaticSpec, 1);

  spec->width = 1280;
  spec->height = 720;
  spec->fps = 24;
  spec->duration = 3.0;
  spec->camera = REEL_CAMERA_STATIC;
  spec->captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);

  return spec;
}

ReelAnimaticSpec *
reel_animatic_spec_copy (const ReelAnimaticSpec *spec)
{
  ReelAnimaticSpec *copy;

  g_return_val_if_fail (spec != NULL, NULL);

  copy = reel_animatic_spec_new ();
  copy->width = spec->width;
  copy->height = spec->height;
  copy->fps = spec->fps;
  copy->duration = spec->duration;
  copy->camera = spec->camera;
  copy->scene_heading = g_strdup (spec->scene_heading);
  copy->shot_number = g_strdup (spec->shot_number);
  copy->text = g_strdup (spec->text);
  copy->board_image_path = g_strdup (spec->board_image_path);
  copy->language = g_strdup (spec->language);

  if (spec->captions != NULL)
    for (guint i = 0; i < spec->captions->len; i++)
      reel_animatic_spec_add_caption (copy, g_ptr_array_index (spec->captions, i));

  return copy;
}

void
reel_animatic_spec_free (ReelAnimaticSpec *spec)
{
  if (spec == NULL)
    return;

  g_free (spec->scene_heading);
  g_free (spec->shot_number);
  g_free (spec->text);
  g_clear_pointer (&spec->captions, g_ptr_array_unref);
  g_free (spec->board_image_path);
  g_free (spec->language);
  g_free (spec);
}

void
reel_animatic_spec_add_caption (ReelAnimaticSpec *spec, const ReelCaption *caption)
{
  g_return_if_fail (spec != NULL);
  g_return_if_fail (caption != NULL);

  if (spec->captions == NULL)
    spec->captions = g_ptr_array_new_with_free_func ((GDestroyNotify) reel_caption_free);
  g_ptr_array_add (spec->captions, reel_caption_copy (caption));
}

G_DEFINE_BOXED_TYPE (ReelAnimaticSpec,
                     reel_animatic_spec,
                     reel_animatic_spec_copy,
                     reel_animatic_spec_free)

guint
reel_animatic_spec_get_n_frames (const ReelAnimaticSpec *spec)
{
  g_return_val_if_fail (spec != NULL, 0);

  return MAX (1, (guint) round (spec->duration * spec->fps));
}

static gboolean
validate_spec (const ReelAnimaticSpec *spec, GError **error)
{
  if (spec->width < 16 || spec->height < 16 || spec->width > MAX_SIDE || spec->height > MAX_SIDE)
    {
      g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_INVALID,
                   _ ("An animatic cannot be %u × %u pixels. Choose a resolution between 16 and "
                      "%u pixels on each side."),
                   spec->width, spec->height, MAX_SIDE);
      return FALSE;
    }

  /* H.264 stores colour at half resolution, on pairs of pixels. */
  if (spec->width % 2 != 0 || spec->height % 2 != 0)
    {
      g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_INVALID,
                   _ ("An animatic cannot be %u × %u pixels: width and height must be even "
                      "numbers. Choose a resolution such as 1280 × 720."),
                   spec->width, spec->height);
      return FALSE;
    }

  if (spec->fps < 1 || spec->fps > MAX_FPS)
    {
      g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_INVALID,
                   _ ("An animatic cannot play at %u frames per second. Choose between 1 and "
                      "%u."),
                   spec->fps, MAX_FPS);
      return FALSE;
    }

  if (!(spec->duration > 0) || spec->duration > MAX_DURATION)
    {
      g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_INVALID,
                   _ ("A shot cannot last %.2f seconds. Give it a duration between a frame and "
                      "%.0f seconds."),
                   spec->duration, MAX_DURATION);
      return FALSE;
    }

  return TRUE;
}

/* Drawing */

typedef struct
{
  guint  width; /* of the frame */
  guint  height;
  double margin_x; /* overscan on each side */
  double margin_y;
  double unit; /* 1 % of the height of a 16:9 frame that fits */
} Geometry;

static Geometry
geometry_for_spec (const ReelAnimaticSpec *spec)
{
  Geometry geometry;

  geometry.width = spec->width;
  geometry.height = spec->height;
  geometry.margin_x = ceil (spec->width * OVERSCAN);
  geometry.margin_y = ceil (spec->height * OVERSCAN);
  /* Text is sized from the frame, so every resolution shows the same card;
   * tall frames are sized by their width. */
  geometry.unit = MIN ((double) spec->height, spec->width * 9.0 / 16.0) / 100.0;

  return geometry;
}

static const char *
font_families_for_language (const char *language)
{
  /* Han characters differ between languages; list the matching CJK face
   * first after the Latin one. */
  if (language != NULL)
    {
      if (g_str_has_prefix (language, "ja"))
        return "Noto Sans, Noto Sans CJK JP, sans-serif";
      if (g_str_has_prefix (language, "ko"))
        return "Noto Sans, Noto Sans CJK KR, sans-serif";
      if (g_str_has_prefix (language, "zh-HK") || g_str_has_prefix (language, "zh_HK"))
        return "Noto Sans, Noto Sans CJK HK, sans-serif";
      if (g_str_has_prefix (language, "zh-TW") || g_str_has_prefix (language, "zh_TW")
          || g_str_has_prefix (language, "zh-Hant"))
        return "Noto Sans, Noto Sans CJK TC, sans-serif";
    }

  return "Noto Sans, Noto Sans CJK SC, sans-serif";
}

static PangoContext *
create_pango_context (const ReelAnimaticSpec *spec)
{
  PangoFontMap         *font_map = pango_cairo_font_map_get_default ();
  PangoContext         *context = pango_font_map_create_context (font_map);
  cairo_font_options_t *options = cairo_font_options_create ();

  /* No hinting and unrounded positions: the card scales exactly with the
   * frame, lines break at the same words at every size, and the output does
   * not depend on the desktop's font settings. */
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (context, options);
  cairo_font_options_destroy (options);
  pango_context_set_round_glyph_positions (context, FALSE);

  if (spec->language != NULL && *spec->language != '\0')
    pango_context_set_language (context, pango_language_from_string (spec->language));

  return context;
}

static PangoLayout *
create_layout (PangoContext *context, const ReelAnimaticSpec *spec, double size, PangoWeight weight)
{
  PangoLayout          *layout = pango_layout_new (context);
  PangoFontDescription *font
      = pango_font_description_from_string (font_families_for_language (spec->language));

  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);

  /* Word wrap, and between characters where there are no spaces (CJK). */
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);

  return layout;
}

static void
show_layout_at (cairo_t *cr, PangoLayout *layout, double x, double y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_update_layout (cr, layout);
  pango_cairo_show_layout (cr, layout);
}

static void
rounded_rectangle (cairo_t *cr, double x, double y, double width, double height, double radius)
{
  radius = MIN (radius, MIN (width, height) / 2);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + width - radius, y + radius, radius, -G_PI / 2, 0);
  cairo_arc (cr, x + width - radius, y + height - radius, radius, 0, G_PI / 2);
  cairo_arc (cr, x + radius, y + height - radius, radius, G_PI / 2, G_PI);
  cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
}

/* An arrow from the centre of a @size square towards @angle (radians). */
static void
arrow (cairo_t *cr, double cx, double cy, double length, double angle)
{
  double head = length * 0.45;

  cairo_save (cr);
  cairo_translate (cr, cx, cy);
  cairo_rotate (cr, angle);
  cairo_move_to (cr, -length / 2, 0);
  cairo_line_to (cr, length / 2, 0);
  cairo_move_to (cr, length / 2 - head, -head * 0.8);
  cairo_line_to (cr, length / 2, 0);
  cairo_line_to (cr, length / 2 - head, head * 0.8);
  cairo_restore (cr);
}

void
reel_animatic_draw_camera_icon (cairo_t *cr, ReelCameraMove move, double x, double y, double size)
{
  double cx = x + size / 2;
  double cy = y + size / 2;

  cairo_save (cr);
  cairo_set_line_width (cr, MAX (1.0, size * 0.11));
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  /* The frame the camera sees. */
  rounded_rectangle (cr, x + size * 0.05, y + size * 0.2, size * 0.9, size * 0.6, size * 0.08);
  cairo_stroke (cr);

  switch (move)
    {
      case REEL_CAMERA_PAN_LEFT:
        arrow (cr, cx, cy, size * 0.5, G_PI);
        break;
      case REEL_CAMERA_PAN_RIGHT:
        arrow (cr, cx, cy, size * 0.5, 0);
        break;
      case REEL_CAMERA_TILT_UP:
        arrow (cr, cx, cy, size * 0.4, -G_PI / 2);
        break;
      case REEL_CAMERA_TILT_DOWN:
        arrow (cr, cx, cy, size * 0.4, G_PI / 2);
        break;
      case REEL_CAMERA_PUSH_IN:
        rounded_rectangle (cr, cx - size * 0.14, cy - size * 0.09, size * 0.28, size * 0.18, 0);
        cairo_stroke (cr);
        arrow (cr, x + size * 0.2, y + size * 0.32, size * 0.18, G_PI / 4);
        arrow (cr, x + size * 0.8, y + size * 0.68, size * 0.18, G_PI + G_PI / 4);
        break;
      case REEL_CAMERA_PULL_OUT:
        rounded_rectangle (cr, cx - size * 0.14, cy - size * 0.09, size * 0.28, size * 0.18, 0);
        cairo_stroke (cr);
        arrow (cr, x + size * 0.22, y + size * 0.34, size * 0.18, G_PI + G_PI / 4);
        arrow (cr, x + size * 0.78, y + size * 0.66, size * 0.18, G_PI / 4);
        break;
      case REEL_CAMERA_STATIC:
      case REEL_N_CAMERA_MOVES:
      default:
        cairo_arc (cr, cx, cy, size * 0.08, 0, 2 * G_PI);
        cairo_fill (cr);
        break;
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

static gboolean
is_written_in_cjk (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      GUnicodeScript script = g_unichar_get_script (g_utf8_get_char (p));

      if (script == G_UNICODE_SCRIPT_HAN || script == G_UNICODE_SCRIPT_HIRAGANA
          || script == G_UNICODE_SCRIPT_KATAKANA)
        return TRUE;
    }
  return FALSE;
}

static char *
captions_markup (GPtrArray *captions)
{
  GString *markup = g_string_new (NULL);

  for (guint i = 0; captions != NULL && i < captions->len; i++)
    {
      const ReelCaption *caption = g_ptr_array_index (captions, i);
      g_autofree char   *text = NULL;

      if (caption->text == NULL || *caption->text == '\0')
        continue;

      if (markup->len > 0)
        g_string_append_c (markup, '\n');

      if (caption->speaker != NULL)
        {
          g_autofree char *speaker = g_markup_escape_text (caption->speaker, -1);

          /* The colon of the speech's script, as subtitles have it: 阿杰：快！ */
          if (is_written_in_cjk (caption->text))
            g_string_append_printf (markup, "<b>%s：</b>", speaker);
          else
            g_string_append_printf (markup, "<b>%s:</b> ", speaker);
        }

      text = g_markup_escape_text (caption->text, -1);
      if (caption->parenthetical && (text[0] == '(' || g_str_has_prefix (text, "（")))
        g_string_append_printf (markup, "<i>%s</i>", text);
      else if (caption->parenthetical)
        g_string_append_printf (markup, is_written_in_cjk (text) ? "<i>（%s）</i>" : "<i>(%s)</i>",
                                text);
      else
        g_string_append (markup, text);
    }

  return g_string_free (markup, markup->len == 0);
}

/* Lays out the shot text in @width × @height, shrinking the type before
 * cutting the text short. */
static PangoLayout *
fit_shot_text (PangoContext           *context,
               const ReelAnimaticSpec *spec,
               const Geometry         *geometry,
               double                  width,
               double                  height)
{
  static const double sizes[] = { 5.6, 5.0, 4.4, 3.8 };
  PangoLayout        *layout = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_clear_object (&layout);
      layout = create_layout (context, spec, sizes[i] * geometry->unit, PANGO_WEIGHT_NORMAL);
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      pango_layout_set_height (layout, (int) (height * PANGO_SCALE));
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
      pango_layout_set_line_spacing (layout, 1.15);
      pango_layout_set_text (layout, spec->text, -1);
      if (!pango_layout_is_ellipsized (layout))
        break;
    }

  return layout;
}

/* What the parts of a card share while it is drawn. The edges are those of
 * title safe, in the coordinates of the canvas. */
typedef struct
{
  cairo_t                *cr;
  PangoContext           *context;
  const ReelAnimaticSpec *spec;
  double                  unit;
  double                  left;
  double                  top;
  double                  right;
  double                  bottom;
} Card;

static gboolean
has_text (const char *text)
{
  return text != NULL && *text != '\0';
}

/* The paper, and the action-safe frame like the panel border of a paper
 * board. */
static void
draw_paper (cairo_t *cr, const Geometry *geometry)
{
  double u = geometry->unit;
  double W = geometry->width;
  double H = geometry->height;

  cairo_set_source_rgb (cr, PAPER_RGB);
  cairo_paint (cr);

  cairo_set_source_rgba (cr, SOFT_INK_RGB, 0.8);
  cairo_set_line_width (cr, MAX (1.0, 0.35 * u));
  rounded_rectangle (cr, geometry->margin_x + W * ACTION_SAFE, geometry->margin_y + H * ACTION_SAFE,
                     W * (1 - 2 * ACTION_SAFE), H * (1 - 2 * ACTION_SAFE), 1.5 * u);
  cairo_stroke (cr);
}

/* The shot number at the top right; returns its bottom edge, and its width in
 * *number_width (0 without a number). */
static double
draw_shot_number (const Card *card, double *number_width)
{
  g_autoptr (PangoLayout) number = NULL;
  double u = card->unit;
  int    pw, ph;

  *number_width = 0;
  if (!has_text (card->spec->shot_number))
    return card->top;

  number = create_layout (card->context, card->spec, 9 * u, PANGO_WEIGHT_BOLD);
  pango_layout_set_text (number, card->spec->shot_number, -1);
  pango_layout_set_width (number, (int) ((card->right - card->left) * 0.4 * PANGO_SCALE));
  pango_layout_set_ellipsize (number, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (number, &pw, &ph);
  /* Line up the tops of the digits and the heading's capitals. */
  *number_width = pw;
  cairo_set_source_rgb (card->cr, INK_RGB);
  show_layout_at (card->cr, number, card->right - pw, card->top - 1.8 * u);

  return MAX (card->top, card->top - 1.8 * u + ph);
}

/* The scene heading at the top left, beside the number; returns its bottom
 * edge. */
static double
draw_heading (const Card *card, double number_width)
{
  g_autoptr (PangoLayout) heading = NULL;
  g_autofree char *upper = NULL;
  PangoAttrList   *attributes;
  double           u = card->unit;
  int              pw, ph;

  if (!has_text (card->spec->scene_heading))
    return card->top;

  upper = g_utf8_strup (card->spec->scene_heading, -1);
  attributes = pango_attr_list_new ();
  heading = create_layout (card->context, card->spec, 3.6 * u, PANGO_WEIGHT_SEMIBOLD);
  pango_attr_list_insert (attributes,
                          pango_attr_letter_spacing_new ((int) (0.5 * u * PANGO_SCALE)));
  pango_layout_set_attributes (heading, attributes);
  pango_attr_list_unref (attributes);
  pango_layout_set_text (heading, upper, -1);
  pango_layout_set_width (heading,
                          (int) ((card->right - card->left - number_width - 3 * u) * PANGO_SCALE));
  pango_layout_set_ellipsize (heading, PANGO_ELLIPSIZE_END);
  pango_layout_get_pixel_size (heading, &pw, &ph);
  cairo_set_source_rgb (card->cr, SOFT_INK_RGB);
  show_layout_at (card->cr, heading, card->left, card->top);

  return card->top + ph;
}

/* The camera move at @y: a pictogram and its name; returns its bottom edge. */
static double
draw_camera_move (const Card *card, double y)
{
  g_autoptr (PangoLayout) camera = NULL;
  double u = card->unit;
  double icon_size = 3.6 * u;
  int    pw, ph;

  camera = create_layout (card->context, card->spec, 3.0 * u, PANGO_WEIGHT_NORMAL);
  pango_layout_set_text (camera, reel_camera_move_get_label (card->spec->camera), -1);
  pango_layout_get_pixel_size (camera, &pw, &ph);
  cairo_set_source_rgb (card->cr, SOFT_INK_RGB);
  reel_animatic_draw_camera_icon (card->cr, card->spec->camera, card->left,
                                  y + (ph - icon_size) / 2, icon_size);
  show_layout_at (card->cr, camera, card->left + icon_size + 1.2 * u, y);

  return y + MAX (ph, icon_size);
}

/* Dialogue as on a paper board: a tinted box at @top. Returns where the text
 * under it may start. */
static double
draw_captions (const Card *card, double top)
{
  g_autoptr (PangoLayout) captions = NULL;
  g_autofree char *markup = captions_markup (card->spec->captions);
  double           u = card->unit;
  double           padding = 1.4 * u;
  double           content_width = card->right - card->left;
  int              pw, ph;

  if (markup == NULL)
    return top;

  captions = create_layout (card->context, card->spec, 3.8 * u, PANGO_WEIGHT_NORMAL);
  pango_layout_set_width (captions, (int) ((content_width - 2 * padding) * PANGO_SCALE));
  pango_layout_set_height (captions, -3);
  pango_layout_set_ellipsize (captions, PANGO_ELLIPSIZE_END);
  pango_layout_set_markup (captions, markup, -1);
  pango_layout_get_pixel_size (captions, &pw, &ph);

  cairo_set_source_rgba (card->cr, SOFT_INK_RGB, 0.12);
  rounded_rectangle (card->cr, card->left, top, content_width, ph + 2 * padding, 1.2 * u);
  cairo_fill (card->cr);
  cairo_set_source_rgb (card->cr, INK_RGB);
  show_layout_at (card->cr, captions, card->left + padding, top + padding);

  return top + (ph + 2 * padding + 3 * u);
}

/* The shot's text between @top and @bottom, centred there as a short line of
 * action would be drawn. */
static void
draw_shot_text (const Card *card, const Geometry *geometry, double top, double bottom)
{
  g_autoptr (PangoLayout) text = NULL;
  int pw, ph;

  if (!has_text (card->spec->text) || bottom - top <= 4 * card->unit)
    return;

  text
      = fit_shot_text (card->context, card->spec, geometry, card->right - card->left, bottom - top);
  pango_layout_get_pixel_size (text, &pw, &ph);
  cairo_set_source_rgb (card->cr, INK_RGB);
  show_layout_at (card->cr, text, card->left, top + MAX (0, (bottom - top - ph) / 2));
}

/* The storyboard card, with the frame at (margin_x, margin_y) of @cr. */
static void
draw_card (cairo_t *cr, const ReelAnimaticSpec *spec, const Geometry *geometry)
{
  /* Pango 1.50 defines no autoptr for PangoContext. */
  g_autoptr (GObject) context_owner = G_OBJECT (create_pango_context (spec));
  double u = geometry->unit;
  double W = geometry->width;
  double H = geometry->height;
  Card   card = {
      .cr = cr,
      .context = PANGO_CONTEXT (context_owner),
      .spec = spec,
      .unit = u,
      .left = geometry->margin_x + W * TITLE_SAFE,
      .top = geometry->margin_y + H * TITLE_SAFE,
      .right = geometry->margin_x + W * (1 - TITLE_SAFE),
      .bottom = geometry->margin_y + H * (1 - TITLE_SAFE),
  };
  double number_width, number_bottom, heading_bottom, camera_top, camera_bottom;
  double header_bottom, text_top, text_bottom;

  draw_paper (cr, geometry);

  number_bottom = draw_shot_number (&card, &number_width);
  heading_bottom = draw_heading (&card, number_width);
  /* The camera move goes under the heading. */
  camera_top = has_text (spec->scene_heading) ? heading_bottom + 1.2 * u : card.top;
  camera_bottom = draw_camera_move (&card, camera_top);

  header_bottom = MAX (MAX (number_bottom, heading_bottom), camera_bottom) + 2 * u;
  cairo_set_source_rgba (cr, SOFT_INK_RGB, 0.35);
  cairo_set_line_width (cr, MAX (1.0, 0.25 * u));
  cairo_move_to (cr, card.left, header_bottom);
  cairo_line_to (cr, card.right, header_bottom);
  cairo_stroke (cr);

  text_top = draw_captions (&card, header_bottom + 3 * u);
  /* The lower part of title safe stays clear: an export burns its subtitles
   * there, and the card must not show them a second time under them. */
  text_bottom = card.bottom - H * 0.14;
  draw_shot_text (&card, geometry, text_top, text_bottom);
}

/* The board image fitted into the frame, on a dark surround. */
static void
draw_board_image (cairo_t *cr, cairo_surface_t *image, const Geometry *geometry)
{
  double image_width = cairo_image_surface_get_width (image);
  double image_height = cairo_image_surface_get_height (image);
  double scale = MIN (geometry->width / image_width, geometry->height / image_height);
  double x = geometry->margin_x + (geometry->width - image_width * scale) / 2;
  double y = geometry->margin_y + (geometry->height - image_height * scale) / 2;

  cairo_set_source_rgb (cr, IMAGE_BACKGROUND);
  cairo_paint (cr);

  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_scale (cr, scale, scale);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_rectangle (cr, 0, 0, image_width, image_height);
  cairo_fill (cr);
  cairo_restore (cr);
}

/* The shot number over a board image, fixed in the corner while the camera
 * moves so it stays legible. */
static cairo_surface_t *
render_number_badge (const ReelAnimaticSpec *spec, const Geometry *geometry)
{
  g_autoptr (GObject) context_owner = NULL;
  PangoContext *context;
  g_autoptr (PangoLayout) layout = NULL;
  cairo_surface_t *badge;
  cairo_t         *cr;
  double           u = geometry->unit;
  double           padding = 1.2 * u;
  int              pw, ph;

  if (spec->shot_number == NULL || *spec->shot_number == '\0')
    return NULL;

  context_owner = G_OBJECT (create_pango_context (spec));
  context = PANGO_CONTEXT (context_owner);
  layout = create_layout (context, spec, 5 * u, PANGO_WEIGHT_BOLD);
  pango_layout_set_text (layout, spec->shot_number, -1);
  pango_layout_get_pixel_size (layout, &pw, &ph);

  badge = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceil (pw + 2 * padding),
                                      (int) ceil (ph + 2 * padding));
  cr = cairo_create (badge);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.62);
  rounded_rectangle (cr, 0, 0, pw + 2 * padding, ph + 2 * padding, u);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  show_layout_at (cr, layout, padding, padding);
  cairo_destroy (cr);

  return badge;
}

typedef struct
{
  const ReelAnimaticSpec *spec;
  Geometry                geometry;
  cairo_surface_t        *canvas; /* the frame plus overscan, drawn once */
  cairo_surface_t        *badge;  /* may be NULL */
} Scene;

static void
scene_clear (Scene *scene)
{
  g_clear_pointer (&scene->canvas, cairo_surface_destroy);
  g_clear_pointer (&scene->badge, cairo_surface_destroy);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scene, scene_clear)

static gboolean
scene_init (Scene *scene, const ReelAnimaticSpec *spec, GCancellable *cancellable, GError **error)
{
  cairo_t *cr;
  int      canvas_width, canvas_height;

  scene->spec = spec;
  scene->geometry = geometry_for_spec (spec);
  canvas_width = (int) (spec->width + 2 * scene->geometry.margin_x);
  canvas_height = (int) (spec->height + 2 * scene->geometry.margin_y);
  scene->canvas = cairo_image_surface_create (CAIRO_FORMAT_RGB24, canvas_width, canvas_height);
  cr = cairo_create (scene->canvas);

  if (spec->board_image_path != NULL && *spec->board_image_path != '\0')
    {
      g_autoptr (GError) local_error = NULL;
      cairo_surface_t *image;

      /* Decoded with GStreamer: PNG, JPEG and WebP alike. */
      image = reel_media_load_frame (spec->board_image_path, 0, cancellable, &local_error);
      if (image == NULL)
        {
          cairo_destroy (cr);
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_BOARD_IMAGE,
                         _ ("The shot’s board image cannot be used: %s"), local_error->message);
          return FALSE;
        }

      draw_board_image (cr, image, &scene->geometry);
      cairo_surface_destroy (image);
      scene->badge = render_number_badge (spec, &scene->geometry);
    }
  else
    {
      draw_card (cr, spec, &scene->geometry);
    }

  cairo_destroy (cr);
  cairo_surface_flush (scene->canvas);

  return TRUE;
}

static double
ease_in_out (double t)
{
  return 0.5 - 0.5 * cos (G_PI * CLAMP (t, 0.0, 1.0));
}

/* Draws what the camera sees at @t (0 … 1) into a frame-sized @target. */
static void
scene_draw_frame (const Scene *scene, double t, cairo_surface_t *target)
{
  const Geometry *g = &scene->geometry;
  double          e = ease_in_out (t);
  double          dx = 0, dy = 0, zoom = 1;
  cairo_t        *cr = cairo_create (target);

  switch (scene->spec->camera)
    {
      case REEL_CAMERA_PAN_LEFT:
        dx = -PAN_TRAVEL * g->width * e;
        break;
      case REEL_CAMERA_PAN_RIGHT:
        dx = PAN_TRAVEL * g->width * e;
        break;
      case REEL_CAMERA_TILT_UP:
        dy = -PAN_TRAVEL * g->height * e;
        break;
      case REEL_CAMERA_TILT_DOWN:
        dy = PAN_TRAVEL * g->height * e;
        break;
      case REEL_CAMERA_PUSH_IN:
        zoom = 1 + (ZOOM_TRAVEL - 1) * e;
        break;
      case REEL_CAMERA_PULL_OUT:
        zoom = 1 / (1 + (ZOOM_TRAVEL - 1) * e);
        break;
      case REEL_CAMERA_STATIC:
      case REEL_N_CAMERA_MOVES:
      default:
        break;
    }

  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_translate (cr, g->width / 2.0, g->height / 2.0);
  cairo_scale (cr, zoom, zoom);
  cairo_translate (cr, -(g->margin_x + g->width / 2.0 + dx), -(g->margin_y + g->height / 2.0 + dy));
  cairo_set_source_surface (cr, scene->canvas, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  cairo_pattern_set_extend (cairo_get_source (cr), CAIRO_EXTEND_PAD);
  cairo_paint (cr);

  if (scene->badge != NULL)
    {
      double inset_x = round (g->width * ACTION_SAFE);
      double inset_y = round (g->height * ACTION_SAFE);

      cairo_identity_matrix (cr);
      cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
      cairo_set_source_surface (cr, scene->badge,
                                g->width - inset_x - cairo_image_surface_get_width (scene->badge),
                                inset_y);
      cairo_paint (cr);
    }

  cairo_destroy (cr);
  cairo_surface_flush (target);
}

gboolean
reel_animatic_render_card_png (const ReelAnimaticSpec *spec, const char *png_path, GError **error)
{
  g_auto (Scene) scene = { 0 };
  g_autofree char *temp_path = NULL;
  cairo_surface_t *frame;
  cairo_status_t   status;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (png_path != NULL, FALSE);

  if (!validate_spec (spec, error) || !scene_init (&scene, spec, NULL, error))
    return FALSE;

  frame = cairo_image_surface_create (CAIRO_FORMAT_RGB24, spec->width, spec->height);
  scene_draw_frame (&scene, 0, frame);

  temp_path = g_strdup_printf ("%s.%08x.part", png_path, g_random_int ());
  status = cairo_surface_write_to_png (frame, temp_path);
  cairo_surface_destroy (frame);

  if (status != CAIRO_STATUS_SUCCESS || g_rename (temp_path, png_path) != 0)
    {
      g_autofree char *display_name = g_filename_display_basename (png_path);

      g_unlink (temp_path);
      g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_FAILED,
                   _ ("The storyboard card “%s” could not be written. Check that the disk is not "
                      "full and that the folder is writable."),
                   display_name);
      return FALSE;
    }

  return TRUE;
}

/* Encoding */

static const struct
{
  const char *element;
  const char *package;
} required_elements[] = {
  { "appsrc", "gstreamer1.0-plugins-base" },  { "videoconvert", "gstreamer1.0-plugins-base" },
  { "x264enc", "gstreamer1.0-plugins-ugly" }, { "h264parse", "gstreamer1.0-plugins-bad" },
  { "mp4mux", "gstreamer1.0-plugins-good" },  { "filesink", "gstreamer1.0 (core elements)" },
};

static gboolean
check_elements (GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (required_elements); i++)
    {
      g_autoptr (GstElementFactory) factory
          = gst_element_factory_find (required_elements[i].element);

      if (factory == NULL)
        {
          g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_MISSING_PLUGIN,
                       _ ("Animatics cannot be rendered because the GStreamer element “%s” is "
                          "missing. Install the package %s."),
                       required_elements[i].element, required_elements[i].package);
          return FALSE;
        }
    }

  return TRUE;
}

static GstElement *
build_pipeline (const ReelAnimaticSpec *spec, const char *location, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autofree char *description = NULL;
  GstElement      *pipeline;

  /* Cairo's RGB24 in memory order, so frames need no conversion to be pushed. */
  description = g_strdup_printf (
      "appsrc name=source format=time is-live=false do-timestamp=false "
      "caps=video/x-raw,format=%s,width=%u,height=%u,framerate=%u/1,pixel-aspect-ratio=1/1 ! "
      "videoconvert ! video/x-raw,format=I420 ! "
      "x264enc speed-preset=superfast tune=stillimage pass=qual quantizer=20 bframes=0 "
      "key-int-max=%u threads=%u sliced-threads=true ! video/x-h264,profile=high ! h264parse ! "
      "mp4mux faststart=true ! filesink name=sink",
      G_BYTE_ORDER == G_LITTLE_ENDIAN ? "BGRx" : "xRGB", spec->width, spec->height, spec->fps,
      2 * spec->fps, ENCODER_THREADS);

  pipeline = gst_parse_launch_full (description, NULL, GST_PARSE_FLAG_FATAL_ERRORS, &local_error);
  if (pipeline == NULL)
    {
      g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_MISSING_PLUGIN,
                   _ ("The animatic encoder could not be set up: %s. Reinstall the GStreamer "
                      "plugins."),
                   local_error->message);
      return NULL;
    }
  gst_object_ref_sink (pipeline);

  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  g_object_set (sink, "location", location, NULL);

  return pipeline;
}

/* Pops the next error or end of stream, or NULL after @timeout. */
static GstMessage *
pop_bus_message (GstBus *bus, GstClockTime timeout)
{
  return gst_bus_timed_pop_filtered (bus, timeout, GST_MESSAGE_ERROR | GST_MESSAGE_EOS);
}

static void
set_pipeline_error (GError **error, GstMessage *message)
{
  g_autoptr (GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  g_debug ("Animatic pipeline failed: %s (%s)", gst_error->message, debug);

  if (g_error_matches (gst_error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NO_SPACE_LEFT))
    g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_FAILED,
                 _ ("The animatic could not be written because the disk is full. Free some "
                    "space and try again."));
  else
    g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_FAILED,
                 _ ("The animatic could not be encoded: %s"), gst_error->message);
}

/* Waits for the encoder to catch up so at most a few frames are queued,
 * watching for errors meanwhile. */
static gboolean
wait_for_room (
    GstAppSrc *source, GstBus *bus, gsize max_bytes, GCancellable *cancellable, GError **error)
{
  while (gst_app_src_get_current_level_bytes (source) > max_bytes)
    {
      g_autoptr (GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      message = pop_bus_message (bus, BUS_POLL_INTERVAL);
      if (message != NULL)
        {
          if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
            set_pipeline_error (error, message);
          else
            g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_FAILED,
                         _ ("The animatic encoder stopped early."));
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
wait_for_end (GstBus *bus, GCancellable *cancellable, GError **error)
{
  gint64 deadline = g_get_monotonic_time () + FINISH_TIMEOUT_US;

  for (;;)
    {
      g_autoptr (GstMessage) message = NULL;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_FAILED,
                       _ ("The animatic encoder did not finish in time."));
          return FALSE;
        }

      message = pop_bus_message (bus, BUS_POLL_INTERVAL);
      if (message == NULL)
        continue;

      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        {
          set_pipeline_error (error, message);
          return FALSE;
        }

      return TRUE;
    }
}

static GstBuffer *
draw_frame_buffer (const Scene *scene, double t)
{
  const Geometry  *g = &scene->geometry;
  int              stride = cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, g->width);
  GstBuffer       *buffer = gst_buffer_new_allocate (NULL, (gsize) stride * g->height, NULL);
  GstMapInfo       map;
  cairo_surface_t *target;

  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  target = cairo_image_surface_create_for_data (map.data, CAIRO_FORMAT_RGB24, g->width, g->height,
                                                stride);
  scene_draw_frame (scene, t, target);
  cairo_surface_destroy (target);
  gst_buffer_unmap (buffer, &map);

  return buffer;
}

static gboolean
encode_frames (const Scene             *scene,
               GstElement              *pipeline,
               GCancellable            *cancellable,
               ReelAnimaticProgressFunc progress,
               gpointer                 user_data,
               GError                 **error)
{
  const ReelAnimaticSpec *spec = scene->spec;
  g_autoptr (GstElement) source = gst_bin_get_by_name (GST_BIN (pipeline), "source");
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstBuffer) still = NULL;
  guint n_frames = reel_animatic_spec_get_n_frames (spec);
  gsize frame_size
      = (gsize) cairo_format_stride_for_width (CAIRO_FORMAT_RGB24, spec->width) * spec->height;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr (GstMessage) message = pop_bus_message (bus, 0);

      if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        set_pipeline_error (error, message);
      else
        g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_FAILED,
                     _ ("The animatic encoder could not start."));
      return FALSE;
    }

  for (guint i = 0; i < n_frames; i++)
    {
      GstBuffer   *buffer;
      GstClockTime start = gst_util_uint64_scale_int (i, GST_SECOND, spec->fps);
      GstClockTime end = gst_util_uint64_scale_int (i + 1, GST_SECOND, spec->fps);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (!wait_for_room (GST_APP_SRC (source), bus, MAX_QUEUED_FRAMES * frame_size, cancellable,
                          error))
        return FALSE;

      /* A static camera shows the same picture throughout: draw it once. */
      if (spec->camera == REEL_CAMERA_STATIC)
        {
          if (still == NULL)
            still = draw_frame_buffer (scene, 0);
          buffer = gst_buffer_copy (still);
        }
      else
        {
          buffer = draw_frame_buffer (scene, n_frames > 1 ? (double) i / (n_frames - 1) : 0);
        }

      GST_BUFFER_PTS (buffer) = start;
      GST_BUFFER_DTS (buffer) = start;
      GST_BUFFER_DURATION (buffer) = end - start;
      GST_BUFFER_OFFSET (buffer) = i;

      if (gst_app_src_push_buffer (GST_APP_SRC (source), buffer) != GST_FLOW_OK)
        {
          g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_FAILED,
                       _ ("The animatic encoder stopped early."));
          return FALSE;
        }

      if (progress != NULL)
        progress (0.95 * (i + 1) / n_frames, user_data);
    }

  gst_app_src_end_of_stream (GST_APP_SRC (source));

  return wait_for_end (bus, cancellable, error);
}

/* MP4 headers the muxer dates */

#define MAX_MOOV_SIZE (64 * 1024 * 1024)

/* Boxes start at any byte offset. GST_READ_UINT32_BE and friends load
 * through an unaligned pointer on x86, which is undefined behaviour
 * (UBSan reports it); these copy the bytes instead. */
static guint32
read_be32 (const guint8 *data)
{
  guint32 value;

  memcpy (&value, data, sizeof value);
  return GUINT32_FROM_BE (value);
}

static guint64
read_be64 (const guint8 *data)
{
  guint64 value;

  memcpy (&value, data, sizeof value);
  return GUINT64_FROM_BE (value);
}

static gboolean
read_box_header (
    FILE *file, guint64 offset, guint64 end, guint64 *size, char type[5], guint *header_size)
{
  guint8 header[16];

  if (offset + 8 > end || fseeko (file, (off_t) offset, SEEK_SET) != 0
      || fread (header, 1, 8, file) != 8)
    return FALSE;

  memcpy (type, header + 4, 4);
  type[4] = '\0';
  *size = read_be32 (header);
  *header_size = 8;

  if (*size == 1)
    {
      if (fread (header + 8, 1, 8, file) != 8)
        return FALSE;
      *size = read_be64 (header + 8);
      *header_size = 16;
    }
  else if (*size == 0)
    {
      *size = end - offset;
    }

  return *size >= *header_size && offset + *size <= end;
}

/* Zeroes the creation and modification times of the movie, track and media
 * headers inside the boxes of @data: mvhd, trak/tkhd, trak/mdia/mdhd. */
static void
clear_header_times (guint8 *data, gsize length)
{
  gsize offset = 0;

  while (offset + 8 <= length)
    {
      guint64 size = read_be32 (data + offset);
      guint   header_size = 8;
      guint8 *body;
      gsize   body_length;

      if (size == 1 && offset + 16 <= length)
        {
          size = read_be64 (data + offset + 8);
          header_size = 16;
        }
      else if (size == 0)
        size = length - offset;
      if (size < header_size || size > length - offset)
        return;

      body = data + offset + header_size;
      body_length = size - header_size;

      if (memcmp (data + offset + 4, "trak", 4) == 0 || memcmp (data + offset + 4, "mdia", 4) == 0)
        clear_header_times (body, body_length);
      else if (memcmp (data + offset + 4, "mvhd", 4) == 0
               || memcmp (data + offset + 4, "tkhd", 4) == 0
               || memcmp (data + offset + 4, "mdhd", 4) == 0)
        {
          /* version, flags, then two 32-bit times (version 0) or 64-bit ones. */
          gsize times_length = body_length > 0 && body[0] == 1 ? 16 : 8;

          if (body_length >= 4 + times_length)
            memset (body + 4, 0, times_length);
        }

      offset += size;
    }
}

/* mp4mux stamps every header with the wall clock and cannot be told
 * otherwise (1.22); writing the "unknown" date, zero, instead keeps renders
 * of the same shot byte-identical. */
static gboolean
clear_mp4_dates (const char *path, GError **error)
{
  g_autofree guint8 *moov = NULL;
  GStatBuf           st;
  FILE              *file;
  guint64            offset = 0;
  gboolean           ok = FALSE;

  if (g_stat (path, &st) != 0 || (file = g_fopen (path, "r+b")) == NULL)
    goto out;

  while (!ok)
    {
      guint64 size;
      guint   header_size;
      char    type[5];

      if (!read_box_header (file, offset, st.st_size, &size, type, &header_size))
        break;

      if (g_str_equal (type, "moov") && size <= MAX_MOOV_SIZE)
        {
          gsize body_length = size - header_size;

          moov = g_malloc (body_length);
          ok = fread (moov, 1, body_length, file) == body_length;
          if (ok)
            {
              clear_header_times (moov, body_length);
              ok = fseeko (file, (off_t) (offset + header_size), SEEK_SET) == 0
                   && fwrite (moov, 1, body_length, file) == body_length;
            }
          break;
        }

      offset += size;
    }

  if (fclose (file) != 0)
    ok = FALSE;

out:
  if (!ok)
    g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_FAILED,
                 _ ("The animatic could not be finished: its file cannot be updated. Check that "
                    "the disk is not full."));
  return ok;
}

gboolean
reel_animatic_render (const ReelAnimaticSpec  *spec,
                      const char              *output_path,
                      GCancellable            *cancellable,
                      ReelAnimaticProgressFunc progress,
                      gpointer                 user_data,
                      GError                 **error)
{
  g_auto (Scene) scene = { 0 };
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *partial_path = NULL;
  gboolean         ok;

  g_return_val_if_fail (spec != NULL, FALSE);
  g_return_val_if_fail (output_path != NULL, FALSE);

  if (!gst_init_check (NULL, NULL, &local_error))
    {
      g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_MISSING_PLUGIN,
                   _ ("GStreamer could not be started, so animatics cannot be rendered: %s"),
                   local_error->message);
      return FALSE;
    }

  if (!validate_spec (spec, error) || !check_elements (error))
    return FALSE;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (!scene_init (&scene, spec, cancellable, error))
    return FALSE;

  /* The output appears only once complete, so a half-written file is never
   * taken for a take. */
  /* Unique, so two renders of the same card (a preview and an export) never share one. */
  partial_path = g_strdup_printf ("%s.%08x.part", output_path, g_random_int ());
  pipeline = build_pipeline (spec, partial_path, error);
  if (pipeline == NULL)
    return FALSE;

  ok = encode_frames (&scene, pipeline, cancellable, progress, user_data, error);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  if (ok)
    ok = clear_mp4_dates (partial_path, error);

  if (ok && g_rename (partial_path, output_path) != 0)
    {
      int              saved_errno = errno;
      g_autofree char *display_name = g_filename_display_basename (output_path);

      g_set_error (error, REEL_ANIMATIC_ERROR, REEL_ANIMATIC_ERROR_FAILED,
                   _ ("The animatic “%s” could not be saved: %s"), display_name,
                   g_strerror (saved_errno));
      ok = FALSE;
    }

  if (!ok)
    {
      g_unlink (partial_path);
      return FALSE;
    }

  if (progress != NULL)
    progress (1.0, user_data);

  return TRUE;
}

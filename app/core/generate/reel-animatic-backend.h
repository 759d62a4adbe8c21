/* reel-animatic-backend.h: the built-in backend that needs no model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "reel-backend.h"

G_BEGIN_DECLS

#define REEL_TYPE_ANIMATIC_BACKEND (reel_animatic_backend_get_type ())
G_DECLARE_FINAL_TYPE (ReelAnimaticBackend, reel_animatic_backend, REEL, ANIMATIC_BACKEND, GObject)

ReelBackend *reel_animatic_backend_new (void);

G_END_DECLS

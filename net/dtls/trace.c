// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoints of dtls.ko: trace.h, created here.
 */

#define CREATE_TRACE_POINTS
#include "trace.h"

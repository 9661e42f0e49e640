/* The raw text and the schemaless JSON of a protobuf level, in C: the hot loop of `proto decode --format raw`
 * (and of `--format json` without a schema, and of the editor's schemaless Text / JSON panes).
 *
 * A faithful port of the pure-Python reference (it is the specification, and the fallback):
 *   - the scan of one level:           refscan.scan_fields (only "clean or not" and the records matter here:
 *                                      nested levels that do not parse cleanly are not messages);
 *   - the cheap rejection of a child:  schemaless.Message.child;
 *   - the top reading of a field:      readings.best / readings._len_best (scores and their order);
 *   - the value's text:                render._show (json.dumps of text, hex of bytes, str of lists);
 *   - the lines, runs and depth limit: render.field_lines / render._raw_lines / render.runs / MAX_DEPTH;
 *   - the JSON:                        render.raw_json as json.dumps(indent=2, ensure_ascii=False) prints it.
 * tests/protobuf/test_rawwire.py runs both on the golden corpus, the protoc corpus and generated
 * (also malformed) messages and asks for the same characters. Pins are not handled here (the
 * caller uses the Python path when any reading is pinned). The scan of a clean level is also offered to
 * refscan.scan_fields (scan_clean), which words any damage itself.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE  /* memmem */
#endif
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define MAX_DEPTH 100        /* render.MAX_DEPTH */
#define MAX_GROUP_DEPTH 100  /* refscan.MAX_GROUP_DEPTH */
#define RUN_MIN 3            /* render.RUN_MIN */
#define SHOW_LIST 32         /* render._show: values of a list shown */
#define SHOW_BYTES 64        /* render._show: bytes shown */

typedef struct {
    Py_ssize_t t;
    uint64_t key;
    Py_ssize_t v, e;
} Rec;

typedef struct {
    Rec *r;
    Py_ssize_t n, cap;
} Recs;

typedef struct {
    char *p;
    Py_ssize_t len, cap;
} Out;

typedef struct {
    const uint8_t *b;
    Py_ssize_t size;  /* of the whole buffer */
    Out out;
    const char *indent;  /* base indent (UTF-8) */
    Py_ssize_t indent_len;
    int depth0;
    Recs *pool;  /* one records buffer per level, reused field after field */
    int npool;
} Ctx;

#define POOL_LEVELS (MAX_DEPTH + 2)  /* levels are expanded while depth < MAX_DEPTH; one more is looked at */

/* The records buffer of `level` (emptied). The pool never moves: the levels above hold pointers into it. */
static Recs *level_recs(Ctx *c, int level) {
    if (!c->pool) {
        c->pool = PyMem_Calloc(POOL_LEVELS, sizeof(Recs));
        if (!c->pool) { PyErr_NoMemory(); return NULL; }
        c->npool = POOL_LEVELS;
    }
    if (level >= c->npool) {
        PyErr_SetString(PyExc_RecursionError, "nesting deeper than the renderer expands");
        return NULL;
    }
    c->pool[level].n = 0;
    return &c->pool[level];
}

static void free_pool(Ctx *c) {
    for (int i = 0; i < c->npool; i++) PyMem_Free(c->pool[i].r);
    PyMem_Free(c->pool);
}

/* -- growable buffers ------------------------------------------------------------------------ */

static int out_reserve(Out *o, Py_ssize_t more) {
    if (o->len + more <= o->cap) return 0;
    Py_ssize_t cap = o->cap ? o->cap : 4096;
    while (cap < o->len + more) cap *= 2;
    char *p = PyMem_Realloc(o->p, (size_t)cap);
    if (!p) { PyErr_NoMemory(); return -1; }
    o->p = p;
    o->cap = cap;
    return 0;
}

static inline int out_put(Out *o, const char *s, Py_ssize_t n) {
    if (out_reserve(o, n) < 0) return -1;
    memcpy(o->p + o->len, s, (size_t)n);
    o->len += n;
    return 0;
}

static inline int out_str(Out *o, const char *s) { return out_put(o, s, (Py_ssize_t)strlen(s)); }
#define out_lit(o, s) out_put((o), (s), (Py_ssize_t)(sizeof(s) - 1))

static const char PAIRS[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static inline int out_u64(Out *o, uint64_t u) {
    if (u < 10) {
        if (out_reserve(o, 1) < 0) return -1;
        o->p[o->len++] = (char)('0' + u);
        return 0;
    }
    char tmp[24];
    int i = 24;
    while (u >= 100) {
        unsigned k = (unsigned)(u % 100) * 2;
        u /= 100;
        tmp[--i] = PAIRS[k + 1];
        tmp[--i] = PAIRS[k];
    }
    if (u >= 10) {
        unsigned k = (unsigned)u * 2;
        tmp[--i] = PAIRS[k + 1];
        tmp[--i] = PAIRS[k];
    } else {
        tmp[--i] = (char)('0' + u);
    }
    return out_put(o, tmp + i, 24 - i);
}

static int out_i64(Out *o, int64_t s) {
    if (s < 0) {
        if (out_put(o, "-", 1) < 0) return -1;
        return out_u64(o, (uint64_t)0 - (uint64_t)s);
    }
    return out_u64(o, (uint64_t)s);
}

static int out_commas(Out *o, uint64_t u) {  /* f"{u:,}" */
    char tmp[32];
    int i = 32, digits = 0;
    do {
        if (digits && digits % 3 == 0) tmp[--i] = ',';
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
        digits++;
    } while (u);
    return out_put(o, tmp + i, 32 - i);
}

/* repr(d) for finite d with 1e-4 <= |d| < 2**53 (fixed notation there), or 0 when unsure (the caller then asks
 * PyOS_double_to_string, the algorithm of repr itself). repr prints the shortest digits that read back as d,
 * the nearest to d among those; they are found here with exact 128-bit integer arithmetic instead of dtoa's
 * big numbers. d = X * 2**-s exactly (X = 4m, its neighbours' midpoints (4m - 2 or 4m - 1) and 4m + 2); scaled
 * by 10**p so that it has 17 digits before the point, floor and ceiling at a step of 10**(17 - n) are the
 * nearest n-digit numbers, and some n-digit number lies strictly between the midpoints exactly when one of
 * them does. Any exact tie (a candidate on a midpoint, or halfway between the two candidates) gives up. */
static const uint64_t POW10[18] = {1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL, 10000000ULL,
    100000000ULL, 1000000000ULL, 10000000000ULL, 100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL, 100000000000000000ULL};

static int short_repr(double d, char *buf) {
    uint64_t bits;
    memcpy(&bits, &d, 8);
    int neg = (int)(bits >> 63);
    int bexp = (int)((bits >> 52) & 0x7FF);
    uint64_t frac = bits & ((1ULL << 52) - 1);
    double a = neg ? -d : d;
    if (bexp == 0 || bexp == 0x7FF || !(a >= 1e-4) || !(a < 9007199254740992.0)) return 0;
    uint64_t m = frac | (1ULL << 52);
    int s = 1075 - bexp + 2;  /* d = 4m * 2**-s */
    if (s <= 0 || s > 70) return 0;  /* |d| >= 1e-4: s <= 68, so (q - f) << s fits */
    unsigned __int128 X = (unsigned __int128)(m << 2);
    unsigned __int128 Lo = X - ((frac == 0 && bexp > 1) ? 1 : 2), Hi = X + 2;
    int e10 = (int)floor(log10(a));
    int p = 16 - e10;
    unsigned __int128 mask = ((unsigned __int128)1 << s) - 1;
    uint64_t q = 0;
    unsigned __int128 r = 0, scale = 0;
    for (int tries = 0;; tries++) {
        if (p < 0 || p > 21 || tries > 2) return 0;
        scale = 1;
        for (int k = 0; k < p; k++) scale *= 10;
        unsigned __int128 v = X * scale;
        unsigned __int128 qq = v >> s;
        if (qq < POW10[16]) { p++; continue; }
        if (qq >= POW10[17]) { p--; continue; }
        q = (uint64_t)qq;
        r = v & mask;
        break;
    }
    unsigned __int128 lv = Lo * scale, hv = Hi * scale;
    uint64_t lq = (uint64_t)(lv >> s), hq = (uint64_t)(hv >> s);
    int l_exact = (lv & mask) == 0, h_exact = (hv & mask) == 0;
    uint64_t best = 0, best_step = 0;
    for (int n = 17; n >= 1; n--) {
        uint64_t step = POW10[17 - n];
        uint64_t f = q - q % step;
        uint64_t c = (f == q && r == 0) ? f : f + step;
        if ((f == lq && l_exact) || (c == hq && h_exact)) return 0;
        int f_in = f > lq;  /* f <= d < H: f > L is enough */
        int c_in = c < hq || (c == hq && !h_exact);
        if (!f_in && !c_in) break;
        uint64_t pick;
        if (f_in && c_in && f != c) {  /* the nearer to d: compare (q - f) + r/2**s with (c - q) - r/2**s */
            unsigned __int128 df = ((unsigned __int128)(q - f) << s) + r;
            unsigned __int128 dc = ((unsigned __int128)(c - q) << s) - r;
            if (df == dc) return 0;
            pick = df < dc ? f : c;
        } else {
            pick = f_in ? f : c;
        }
        best = pick;
        best_step = step;
    }
    if (!best_step) return 0;
    /* best is a multiple of best_step, scaled by 10**p: its digits, and where the point goes */
    uint64_t digits = best / best_step;
    while (digits % 10 == 0) digits /= 10;
    char ds[24];
    int nd = 0;
    {
        char tmp[24];
        int i = 24;
        uint64_t u = digits;
        do { tmp[--i] = (char)('0' + u % 10); u /= 10; } while (u);
        nd = 24 - i;
        memcpy(ds, tmp + i, (size_t)nd);
    }
    /* the value is digits * 10**(exp) with exp = (number of digits of best) - nd - p; decpt = nd + exp */
    int bestdigits = 1;
    for (uint64_t u = best; u >= 10; u /= 10) bestdigits++;
    int decpt = bestdigits - p;  /* best < 10**bestdigits, scaled by 10**p: d's leading digit position + 1 */
    if (decpt <= -4 || decpt > 16) return 0;
    char *w = buf;
    if (neg) *w++ = '-';
    if (decpt <= 0) {
        *w++ = '0';
        *w++ = '.';
        for (int i = 0; i < -decpt; i++) *w++ = '0';
        memcpy(w, ds, (size_t)nd);
        w += nd;
    } else if (decpt < nd) {
        memcpy(w, ds, (size_t)decpt);
        w += decpt;
        *w++ = '.';
        memcpy(w, ds + decpt, (size_t)(nd - decpt));
        w += nd - decpt;
    } else {
        memcpy(w, ds, (size_t)nd);
        w += nd;
        for (int i = nd; i < decpt; i++) *w++ = '0';
        *w++ = '.';
        *w++ = '0';
    }
    return (int)(w - buf);
}

static int out_double(Out *o, double d) {  /* str(float) */
    char fast[48];
    int n = short_repr(d, fast);
    if (n > 0) return out_put(o, fast, n);
    char *s = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (!s) return -1;
    int rc = out_str(o, s);
    PyMem_Free(s);
    return rc;
}

static int out_hex(Out *o, const uint8_t *p, Py_ssize_t n) {
    static const char digits[] = "0123456789abcdef";
    if (out_reserve(o, 2 * n) < 0) return -1;
    char *w = o->p + o->len;
    for (Py_ssize_t i = 0; i < n; i++) {
        w[2 * i] = digits[p[i] >> 4];
        w[2 * i + 1] = digits[p[i] & 15];
    }
    o->len += 2 * n;
    return 0;
}

static int out_indent(Ctx *c, int level) {
    if (out_put(&c->out, c->indent, c->indent_len) < 0) return -1;
    if (out_reserve(&c->out, 2 * level) < 0) return -1;
    memset(c->out.p + c->out.len, ' ', (size_t)(2 * level));
    c->out.len += 2 * level;
    return 0;
}

static int recs_push(Recs *rs, Py_ssize_t t, uint64_t key, Py_ssize_t v, Py_ssize_t e) {
    if (rs->n == rs->cap) {
        Py_ssize_t cap = rs->cap ? rs->cap * 2 : 16;
        Rec *r = PyMem_Realloc(rs->r, (size_t)cap * sizeof(Rec));
        if (!r) { PyErr_NoMemory(); return -1; }
        rs->r = r;
        rs->cap = cap;
    }
    Rec *x = &rs->r[rs->n++];
    x->t = t; x->key = key; x->v = v; x->e = e;
    return 0;
}

/* -- the scan (refscan.scan_fields) ---------------------------------------------------------- */

/* wire.read_varint(buf, pos, end): 0 and the value / position after it, or 1 (an error). */
static inline int read_varint(const uint8_t *b, Py_ssize_t pos, Py_ssize_t end, uint64_t *val, Py_ssize_t *after) {
    uint64_t result = 0;
    Py_ssize_t start = pos;
    int shift = 0;
    for (;;) {
        if (pos >= end) return 1;
        uint8_t x = b[pos++];
        result |= (uint64_t)(x & 0x7F) << shift;
        if (x < 0x80) { *val = result; *after = pos; return 0; }
        shift += 7;
        if (pos - start >= 10) return 1;
    }
}

/* One level of b[start:end] (a group's body when group > 0), stopping (clean so far) at the first field that
 * starts at or after `limit`. Returns 0 when clean (records in rs when rs is given, *end_tag: where the
 * END_GROUP tag began, *after: after it), 1 when not clean, -1 on a Python error. */
static int scan_to(const uint8_t *b, Py_ssize_t start, Py_ssize_t end, Py_ssize_t limit, uint64_t group, int depth,
                   Recs *rs, Py_ssize_t *end_tag, Py_ssize_t *after_out);

static int scan(const uint8_t *b, Py_ssize_t start, Py_ssize_t end, uint64_t group, int depth, Recs *rs,
                Py_ssize_t *end_tag, Py_ssize_t *after_out) {
    return scan_to(b, start, end, end, group, depth, rs, end_tag, after_out);
}

static int scan_to(const uint8_t *b, Py_ssize_t start, Py_ssize_t end, Py_ssize_t limit, uint64_t group, int depth,
                   Recs *rs, Py_ssize_t *end_tag, Py_ssize_t *after_out) {
    Py_ssize_t pos = start;
    Py_ssize_t stop_at = limit < end ? limit : end;
    while (pos < stop_at) {
        Py_ssize_t t = pos, v;
        uint64_t key = b[pos++];
        if (key >= 0x80) {
            if (read_varint(b, t, end, &key, &pos)) return 1;
            if (key > 0xFFFFFFFFull) return 1;
        } else if (key < 8) {
            return 1;
        }
        unsigned wt = (unsigned)(key & 7);
        if (wt == 2) {
            if (pos >= end) return 1;
            uint64_t n;
            if (read_varint(b, pos, end, &n, &pos)) return 1;
            v = pos;
            if (n > (uint64_t)(end - pos)) return 1;
            pos += (Py_ssize_t)n;
        } else if (wt == 0) {
            v = pos;
            while (pos < end && b[pos] >= 0x80) pos++;
            pos++;
            if (pos > end) return 1;
            if (pos - v > 10) return 1;
        } else if (wt == 1) {
            v = pos;
            if (end - pos < 8) return 1;
            pos += 8;
        } else if (wt == 5) {
            v = pos;
            if (end - pos < 4) return 1;
            pos += 4;
        } else if (wt == 3) {
            v = pos;
            if (depth > MAX_GROUP_DEPTH) return 1;
            Py_ssize_t et, aft;
            int rc = scan(b, pos, end, key >> 3, depth + 1, NULL, &et, &aft);
            if (rc) return rc;
            pos = aft;
        } else if (wt == 4) {
            if (group && (key >> 3) == group) {
                if (end_tag) *end_tag = t;
                if (after_out) *after_out = pos;
                return 0;
            }
            return 1;
        } else {
            return 1;
        }
        if (rs && recs_push(rs, t, key, v, pos) < 0) return -1;
    }
    if (pos < end) {  /* stopped at the limit */
        if (end_tag) *end_tag = pos;
        if (after_out) *after_out = pos;
        return 0;
    }
    if (group) return 1;
    if (end_tag) *end_tag = pos;
    if (after_out) *after_out = pos;
    return 0;
}

/* schemaless.Message.child for a length-delimited value: 0 and its records when it parses cleanly, 1 when
 * not, -1 on a Python error. */
static int child_message(const uint8_t *b, Py_ssize_t v, Py_ssize_t e, Recs *rs) {
    unsigned first = v < e ? b[v] : 8;
    unsigned w = first & 7;
    if (first < 8 || w == 4 || w == 6 || w == 7 || (first < 0x80 && v + 1 >= e)) return 1;
    return scan(b, v, e, 0, 0, rs, NULL, NULL);
}

/* -- readings -------------------------------------------------------------------------------- */

static inline double f32_at(const uint8_t *p) {
    float f;
    memcpy(&f, p, 4);  /* little-endian hosts (x86, arm) */
    return (double)f;
}

static inline double f64_at(const uint8_t *p) {
    double d;
    memcpy(&d, p, 8);
    return d;
}

static inline uint32_t u32_at(const uint8_t *p) {
    uint32_t u;
    memcpy(&u, p, 4);
    return u;
}

static inline uint64_t u64_at(const uint8_t *p) {
    uint64_t u;
    memcpy(&u, p, 8);
    return u;
}

static inline int plausible(double x, double lo, double hi) {
    double a = fabs(x);
    return isfinite(x) && a >= lo && a <= hi;
}

/* readings._all_plausible over packed floats (width 4) or doubles (width 8). */
static int all_plausible(const uint8_t *p, Py_ssize_t n, int width, double lo, double hi) {
    int nonzero = 0;
    for (Py_ssize_t i = 0; i + width <= n; i += width) {
        double x = width == 4 ? f32_at(p + i) : f64_at(p + i);
        double a = fabs(x);
        if (a == 0.0) continue;
        if (!(isfinite(a) && a >= lo && a <= hi)) return 0;
        nonzero = 1;
    }
    return nonzero;
}

/* readings._packed_varints: the count and whether all are below 2^32 (0), or 1 when not varints. */
static int packed_varints(const uint8_t *p, Py_ssize_t n, Py_ssize_t *count, int *small) {
    Py_ssize_t pos = 0, k = 0;
    int sm = 1;
    while (pos < n) {
        uint64_t val;
        if (read_varint(p, pos, n, &val, &pos)) return 1;
        if (val >= (1ull << 32)) sm = 0;
        k++;
    }
    *count = k;
    *small = sm;
    return 0;
}

/* Text: 0 not UTF-8, 1 printable UTF-8 text, 2 UTF-8 with other characters; -1 on a Python error. */
static int text_kind(const uint8_t *p, Py_ssize_t n) {
    Py_ssize_t i = 0;
    int ascii_printable = 1;
    for (; i < n; i++) {
        uint8_t x = p[i];
        if (x >= 0x80) break;
        if (!((x >= 0x20 && x < 0x7F) || x == 9 || x == 10 || x == 13)) ascii_printable = 0;
    }
    if (i == n) return ascii_printable ? 1 : 2;
    /* bytes.decode("utf-8") (strict: no overlong forms, no surrogates, nothing above U+10FFFF), and
     * str.isprintable per character, without making the str */
    int printable = ascii_printable;
    while (i < n) {
        uint8_t x = p[i];
        Py_UCS4 ch;
        if (x < 0x80) {
            ch = x;
            i++;
        } else if (x >= 0xC2 && x <= 0xDF) {
            if (i + 1 >= n || (p[i + 1] & 0xC0) != 0x80) return 0;
            ch = ((Py_UCS4)(x & 0x1F) << 6) | (p[i + 1] & 0x3F);
            i += 2;
        } else if (x >= 0xE0 && x <= 0xEF) {
            if (i + 2 >= n) return 0;
            uint8_t y = p[i + 1], z = p[i + 2];
            uint8_t lo = x == 0xE0 ? 0xA0 : 0x80, hi = x == 0xED ? 0x9F : 0xBF;
            if (y < lo || y > hi || (z & 0xC0) != 0x80) return 0;
            ch = ((Py_UCS4)(x & 0x0F) << 12) | ((Py_UCS4)(y & 0x3F) << 6) | (z & 0x3F);
            i += 3;
        } else if (x >= 0xF0 && x <= 0xF4) {
            if (i + 3 >= n) return 0;
            uint8_t y = p[i + 1], z = p[i + 2], w = p[i + 3];
            uint8_t lo = x == 0xF0 ? 0x90 : 0x80, hi = x == 0xF4 ? 0x8F : 0xBF;
            if (y < lo || y > hi || (z & 0xC0) != 0x80 || (w & 0xC0) != 0x80) return 0;
            ch = ((Py_UCS4)(x & 0x07) << 18) | ((Py_UCS4)(y & 0x3F) << 12) | ((Py_UCS4)(z & 0x3F) << 6) | (w & 0x3F);
            i += 4;
        } else {
            return 0;
        }
        if (printable && !(Py_UNICODE_ISPRINTABLE(ch) || ch == 9 || ch == 10 || ch == 13)) printable = 0;
    }
    return printable ? 1 : 2;
}

/* json.dumps(text, ensure_ascii=False) of valid UTF-8 bytes. */
static int out_json_string(Out *o, const uint8_t *p, Py_ssize_t n) {
    static const char digits[] = "0123456789abcdef";
    if (out_reserve(o, n + 2) < 0) return -1;
    o->p[o->len++] = '"';
    Py_ssize_t run = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint8_t x = p[i];
        if (x >= 0x20 && x != '"' && x != '\\') continue;
        if (out_put(o, (const char *)p + run, i - run) < 0) return -1;
        run = i + 1;
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        int len = 2;
        switch (x) {
            case '"': esc[1] = '"'; break;
            case '\\': esc[1] = '\\'; break;
            case '\n': esc[1] = 'n'; break;
            case '\r': esc[1] = 'r'; break;
            case '\t': esc[1] = 't'; break;
            case '\b': esc[1] = 'b'; break;
            case '\f': esc[1] = 'f'; break;
            default:
                esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
                esc[4] = digits[x >> 4]; esc[5] = digits[x & 15];
                len = 6;
        }
        if (out_put(o, esc, len) < 0) return -1;
    }
    if (out_put(o, (const char *)p + run, n - run) < 0) return -1;
    return out_put(o, "\"", 1);
}

/* render._show of bytes. */
static int out_bytes(Out *o, const uint8_t *p, Py_ssize_t n) {
    if (out_put(o, "0x", 2) < 0) return -1;
    if (n <= SHOW_BYTES) return out_hex(o, p, n);
    if (out_hex(o, p, SHOW_BYTES) < 0) return -1;
    if (out_str(o, "\xe2\x80\xa6 (") < 0) return -1;
    if (out_u64(o, (uint64_t)n) < 0) return -1;
    return out_str(o, " bytes)");
}

enum { L_VARINT, L_FIXED32, L_FLOAT, L_FIXED64, L_DOUBLE };

/* render._show of a packed list (str(list), cut after 32 values). */
static int out_list(Out *o, const uint8_t *p, Py_ssize_t n, int what, Py_ssize_t count) {
    if (out_put(o, "[", 1) < 0) return -1;
    Py_ssize_t pos = 0;
    Py_ssize_t shown = count > SHOW_LIST ? SHOW_LIST : count;
    for (Py_ssize_t k = 0; k < shown; k++) {
        if (k && out_put(o, ", ", 2) < 0) return -1;
        int rc;
        switch (what) {
            case L_VARINT: {
                uint64_t val = 0;
                read_varint(p, pos, n, &val, &pos);
                rc = out_u64(o, val);
                break;
            }
            case L_FIXED32: rc = out_u64(o, u32_at(p + 4 * k)); break;
            case L_FLOAT: rc = out_double(o, f32_at(p + 4 * k)); break;
            case L_FIXED64: rc = out_u64(o, u64_at(p + 8 * k)); break;
            default: rc = out_double(o, f64_at(p + 8 * k)); break;
        }
        if (rc < 0) return -1;
    }
    if (count > SHOW_LIST) {
        if (out_str(o, ", \xe2\x80\xa6 (") < 0 || out_u64(o, (uint64_t)count) < 0 || out_str(o, " values)") < 0)
            return -1;
    }
    return out_put(o, "]", 1);
}

/* -- rendering (render._raw_lines / field_lines) --------------------------------------------- */

static int render_level(Ctx *c, const Recs *rs, int level, int with_runs);

static int head(Ctx *c, int level, uint64_t num) {
    if (out_indent(c, level) < 0) return -1;
    return out_u64(&c->out, num);
}

static int tail_kind(Ctx *c, const char *kind, Py_ssize_t t) {  /* "  # kind @t\n" */
    Out *o = &c->out;
    if (out_str(o, "  # ") < 0 || out_str(o, kind) < 0 || out_str(o, " @") < 0 || out_u64(o, (uint64_t)t) < 0)
        return -1;
    return out_put(o, "\n", 1);
}

/* A nested level shown as a message or group, or (too deep) as bytes. */
static int nested(Ctx *c, const Rec *f, int level, const char *kind, const Recs *sub, Py_ssize_t value_end) {
    Out *o = &c->out;
    uint64_t num = f->key >> 3;
    if (c->depth0 + level >= MAX_DEPTH) {
        if (head(c, level, num) < 0 || out_put(o, ": ", 2) < 0) return -1;
        if (out_bytes(o, c->b + f->v, value_end - f->v) < 0) return -1;
        if (out_str(o, "  # bytes @") < 0 || out_u64(o, (uint64_t)f->t) < 0 || out_str(o, " (a ") < 0 ||
            out_str(o, kind) < 0 || out_str(o, " nested deeper than 100 levels, not expanded)\n") < 0)
            return -1;
        return 0;
    }
    if (head(c, level, num) < 0 || out_str(o, " {  # ") < 0 || out_str(o, kind) < 0 || out_str(o, " @") < 0 ||
        out_u64(o, (uint64_t)f->t) < 0 || out_put(o, "+", 1) < 0 || out_u64(o, (uint64_t)(f->e - f->t)) < 0 ||
        out_put(o, "\n", 1) < 0)
        return -1;
    if (render_level(c, sub, level + 1, 1) < 0) return -1;
    if (out_indent(c, level) < 0) return -1;
    return out_put(o, "}\n", 2);
}

/* The top reading of a field (readings.best without pins): its kind and what its value needs. */
enum {
    K_UINT64, K_BOOL, K_INT64, K_FLOAT, K_FIXED32, K_SFIXED32, K_DOUBLE, K_FIXED64, K_SFIXED64, K_STRING,
    K_MESSAGE, K_GROUP, K_GROUP_NONE, K_PACKED_DOUBLE, K_PACKED_FLOAT, K_PACKED_VARINT, K_PACKED_FIXED32, K_BYTES,
};
static const char *const KIND_NAME[] = {
    "uint64", "bool", "int64", "float", "fixed32", "sfixed32", "double", "fixed64", "sfixed64", "string",
    "message", "group", "group", "packed_double", "packed_float", "packed_varint", "packed_fixed32", "bytes",
};

typedef struct {
    int kind;
    uint64_t u;           /* varint, fixed32 / fixed64 bits */
    double d;             /* float, double */
    Py_ssize_t count;     /* values of a packed reading */
    const Recs *sub;      /* the level of a message or group */
    Py_ssize_t value_end; /* where a group's value ends (before its END_GROUP tag) */
} Reading;

static int decide_len(Ctx *c, const Rec *f, int level, Reading *r) {
    const uint8_t *p = c->b + f->v;
    Py_ssize_t n = f->e - f->v;
    r->value_end = f->e;
    if (n == 0) { r->kind = K_STRING; return 0; }
    int text = text_kind(p, n);
    if (text < 0) return -1;
    if (text == 1) { r->kind = K_STRING; return 0; }
    Recs *sub = level_recs(c, level);
    if (!sub) return -1;
    int rc = child_message(c->b, f->v, f->e, sub);
    if (rc < 0) return -1;
    int is_msg = rc == 0;
    r->sub = sub;
    if (is_msg) {
        Py_ssize_t k = sub->n < 64 ? sub->n : 64;
        int odd = 0;
        for (Py_ssize_t i = 0; i < k; i++)
            if ((sub->r[i].key >> 3) > 10000) odd++;
        if (!odd) { r->kind = K_MESSAGE; return 0; }
    }
    if (n % 8 == 0 && all_plausible(p, n, 8, 1e-9, 1e15)) { r->kind = K_PACKED_DOUBLE; r->count = n / 8; return 0; }
    if (n % 4 == 0 && all_plausible(p, n, 4, 1e-6, 1e9)) { r->kind = K_PACKED_FLOAT; r->count = n / 4; return 0; }
    Py_ssize_t count = 0;
    int small = 0;
    int varints = packed_varints(p, n, &count, &small) == 0 && (!is_msg || count > 1);
    if (varints && small) { r->kind = K_PACKED_VARINT; r->count = count; return 0; }
    if (is_msg) { r->kind = K_MESSAGE; return 0; }
    if (text == 2) { r->kind = K_STRING; return 0; }
    if (varints) { r->kind = K_PACKED_VARINT; r->count = count; return 0; }
    if (n % 4 == 0) { r->kind = K_PACKED_FIXED32; r->count = n / 4; return 0; }
    /* packed_sint64 cannot win: its condition is the packed_varint one, which returned above */
    r->kind = K_BYTES;
    return 0;
}

static int decide(Ctx *c, const Rec *f, int level, Reading *r) {
    const uint8_t *p = c->b + f->v;
    switch ((unsigned)(f->key & 7)) {
        case 0: {
            Py_ssize_t after;
            read_varint(c->b, f->v, f->e, &r->u, &after);
            r->kind = r->u >= (1ull << 63) ? K_INT64 : r->u <= 1 ? K_BOOL : K_UINT64;
            return 0;
        }
        case 5:
            r->d = f32_at(p);
            r->u = u32_at(p);
            r->kind = plausible(r->d, 1e-6, 1e9) ? K_FLOAT : (int32_t)r->u < 0 ? K_SFIXED32 : K_FIXED32;
            return 0;
        case 1:
            r->d = f64_at(p);
            r->u = u64_at(p);
            r->kind = plausible(r->d, 1e-9, 1e15) ? K_DOUBLE : (int64_t)r->u < 0 ? K_SFIXED64 : K_FIXED64;
            return 0;
        case 2:
            return decide_len(c, f, level, r);
        case 3: {
            Recs *sub = level_recs(c, level);
            if (!sub) return -1;
            Py_ssize_t et = 0, aft = 0;
            int rc = scan(c->b, f->v, f->e, f->key >> 3, 0, sub, &et, &aft);
            if (rc < 0) return -1;
            /* a group its level scanned always parses again; were it not, Python shows its value None */
            r->kind = rc == 0 ? K_GROUP : K_GROUP_NONE;
            r->sub = sub;
            r->value_end = et;
            return 0;
        }
        default:
            PyErr_SetString(PyExc_ValueError, "unexpected wire type in a scanned level");
            return -1;
    }
}

/* A scalar or packed value as render._show prints it (lists cut after 32 values when `cut`). */
static int out_value(Ctx *c, const Rec *f, const Reading *r) {
    Out *o = &c->out;
    const uint8_t *p = c->b + f->v;
    Py_ssize_t n = f->e - f->v;
    switch (r->kind) {
        case K_UINT64: case K_FIXED32: case K_FIXED64: return out_u64(o, r->u);
        case K_INT64: case K_SFIXED64: return out_i64(o, (int64_t)r->u);
        case K_SFIXED32: return out_i64(o, (int32_t)(uint32_t)r->u);
        case K_BOOL: return out_str(o, r->u ? "True" : "False");
        case K_FLOAT: case K_DOUBLE: return out_double(o, r->d);
        case K_STRING: return out_json_string(o, p, n);
        case K_PACKED_DOUBLE: return out_list(o, p, n, L_DOUBLE, r->count);
        case K_PACKED_FLOAT: return out_list(o, p, n, L_FLOAT, r->count);
        case K_PACKED_VARINT: return out_list(o, p, n, L_VARINT, r->count);
        case K_PACKED_FIXED32: return out_list(o, p, n, L_FIXED32, r->count);
        case K_GROUP_NONE: return out_lit(o, "None");
        default: return out_bytes(o, p, n);
    }
}

static int field(Ctx *c, const Rec *f, int level) {
    Reading r = {0};
    if (decide(c, f, level, &r) < 0) return -1;
    if (r.kind == K_MESSAGE || r.kind == K_GROUP) return nested(c, f, level, KIND_NAME[r.kind], r.sub, r.value_end);
    if (head(c, level, f->key >> 3) < 0 || out_put(&c->out, ": ", 2) < 0 || out_value(c, f, &r) < 0) return -1;
    return tail_kind(c, KIND_NAME[r.kind], f->t);
}

static int render_level(Ctx *c, const Recs *rs, int level, int with_runs) {
    Py_ssize_t n = rs->n;
    const Rec *r = rs->r;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_ssize_t count = 1;
        if (with_runs && n >= RUN_MIN && i + 1 < n) {
            /* render.runs: a maximal chain of neighbours with the same key and length, back to back, is a
             * run when it has RUN_MIN fields or more and all of them have the same bytes (else none of it is) */
            Py_ssize_t j = i;
            while (j + 1 < n && r[j + 1].key == r[j].key && r[j + 1].e - r[j + 1].t == r[j].e - r[j].t &&
                   r[j + 1].t == r[j].e)
                j++;
            Py_ssize_t chain = j - i + 1;
            if (chain >= RUN_MIN) {
                Py_ssize_t size = r[i].e - r[i].t;
                const uint8_t *one = c->b + r[i].t;
                int same = 1;
                for (Py_ssize_t k = 1; k < chain && same; k++)
                    same = memcmp(one, c->b + r[i + k].t, (size_t)size) == 0;
                if (same) {
                    count = chain;
                } else {  /* the whole chain is shown field by field, no run inside it */
                    for (Py_ssize_t k = i; k <= j; k++)
                        if (field(c, &r[k], level) < 0) return -1;
                    i = j + 1;
                    continue;
                }
            } else if (chain > 1) {
                for (Py_ssize_t k = i; k <= j; k++)
                    if (field(c, &r[k], level) < 0) return -1;
                i = j + 1;
                continue;
            }
        }
        if (count > 1) {
            Out *o = &c->out;
            Py_ssize_t last = r[i].t + (count - 1) * (r[i].e - r[i].t);
            if (out_indent(c, level) < 0 || out_str(o, "# the next field is repeated ") < 0 ||
                out_commas(o, (uint64_t)count) < 0 || out_str(o, " times, byte for byte (@") < 0 ||
                out_u64(o, (uint64_t)r[i].t) < 0 || out_str(o, " to @") < 0 || out_u64(o, (uint64_t)last) < 0 ||
                out_str(o, "); shown once\n") < 0)
                return -1;
        }
        if (field(c, &r[i], level) < 0) return -1;
        i += count;
    }
    return 0;
}


/* -- JSON (render.raw_json, as json.dumps(..., indent=2, ensure_ascii=False) prints it) ------------ */

static const char *const WIRE_NAME[] = {"varint", "fixed64", "length-delimited", "start group", "end group",
                                        "fixed32", "", ""};

static int out_spaces(Out *o, Py_ssize_t n) {
    if (out_reserve(o, n) < 0) return -1;
    memset(o->p + o->len, ' ', (size_t)n);
    o->len += n;
    return 0;
}

static int out_base64(Out *o, const uint8_t *p, Py_ssize_t n) {
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if (out_reserve(o, (n + 2) / 3 * 4) < 0) return -1;
    char *w = o->p + o->len;
    Py_ssize_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = ((uint32_t)p[i] << 16) | ((uint32_t)p[i + 1] << 8) | p[i + 2];
        *w++ = abc[v >> 18]; *w++ = abc[(v >> 12) & 63]; *w++ = abc[(v >> 6) & 63]; *w++ = abc[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        *w++ = abc[v >> 18]; *w++ = abc[(v >> 12) & 63]; *w++ = '='; *w++ = '=';
    } else if (n - i == 2) {
        uint32_t v = ((uint32_t)p[i] << 16) | ((uint32_t)p[i + 1] << 8);
        *w++ = abc[v >> 18]; *w++ = abc[(v >> 12) & 63]; *w++ = abc[(v >> 6) & 63]; *w++ = '=';
    }
    o->len = w - o->p;
    return 0;
}

static int json_level(Ctx *c, const Recs *rs, int level, int with_runs, Py_ssize_t ind, int first);

/* One item of a "fields" list at indent `ind` (its separator is written by the caller). */
static int json_field(Ctx *c, const Rec *f, int level, Py_ssize_t count, Py_ssize_t ind) {
    Out *o = &c->out;
    Reading r = {0};
    if (decide(c, f, level, &r) < 0) return -1;
    const uint8_t *p = c->b + f->v;
    Py_ssize_t n = f->e - f->v;
    Py_ssize_t in = ind + 2;
    int nested_kind = r.kind == K_MESSAGE || r.kind == K_GROUP;
    int deep = nested_kind && c->depth0 + level >= MAX_DEPTH;
    if (out_spaces(o, ind) < 0 || out_lit(o, "{\n") < 0 ||
        out_spaces(o, in) < 0 || out_lit(o, "\"number\": ") < 0 || out_u64(o, f->key >> 3) < 0 ||
        out_lit(o, ",\n") < 0 || out_spaces(o, in) < 0 || out_lit(o, "\"wire_type\": \"") < 0 ||
        out_str(o, WIRE_NAME[f->key & 7]) < 0 || out_lit(o, "\",\n") < 0 ||
        out_spaces(o, in) < 0 || out_lit(o, "\"offset\": ") < 0 || out_u64(o, (uint64_t)f->t) < 0 ||
        out_lit(o, ",\n") < 0 || out_spaces(o, in) < 0 || out_lit(o, "\"length\": ") < 0 ||
        out_u64(o, (uint64_t)(f->e - f->t)) < 0 || out_lit(o, ",\n") < 0 ||
        out_spaces(o, in) < 0 || out_lit(o, "\"kind\": \"") < 0 || out_str(o, deep ? "bytes" : KIND_NAME[r.kind]) < 0 ||
        out_lit(o, "\"") < 0)
        return -1;
    if (count > 1 && (out_lit(o, ",\n") < 0 || out_spaces(o, in) < 0 || out_lit(o, "\"repeated\": ") < 0 ||
                      out_u64(o, (uint64_t)count) < 0))
        return -1;
    if (out_lit(o, ",\n") < 0 || out_spaces(o, in) < 0) return -1;
    if (deep) {
        if (out_lit(o, "\"value\": \"") < 0 || out_base64(o, p, r.value_end - f->v) < 0 || out_lit(o, "\",\n") < 0 ||
            out_spaces(o, in) < 0 || out_lit(o, "\"note\": \"a ") < 0 || out_str(o, KIND_NAME[r.kind]) < 0 ||
            out_lit(o, " nested deeper than 100 levels, not expanded\"") < 0)
            return -1;
    } else if (nested_kind) {
        if (out_lit(o, "\"message\": {\n") < 0 || out_spaces(o, in + 2) < 0 || out_lit(o, "\"fields\": [") < 0)
            return -1;
        if (r.sub->n == 0) {
            if (out_lit(o, "]") < 0) return -1;
        } else {
            if (json_level(c, r.sub, level + 1, 1, ind + 6, 1) < 0) return -1;
            if (out_lit(o, "\n") < 0 || out_spaces(o, in + 2) < 0 || out_lit(o, "]") < 0) return -1;
        }
        if (out_lit(o, "\n") < 0 || out_spaces(o, in) < 0 || out_lit(o, "}") < 0) return -1;
    } else {
        if (out_lit(o, "\"value\": ") < 0) return -1;
        int rc = 0;
        switch (r.kind) {
            case K_BOOL: rc = out_str(o, r.u ? "true" : "false"); break;
            case K_GROUP_NONE: rc = out_lit(o, "null"); break;
            case K_BYTES:
                rc = out_lit(o, "\"") < 0 || out_base64(o, p, n) < 0 || out_lit(o, "\"") < 0 ? -1 : 0;
                break;
            case K_PACKED_DOUBLE: case K_PACKED_FLOAT: case K_PACKED_VARINT: case K_PACKED_FIXED32: {
                /* a list: one value a line */
                if (out_lit(o, "[") < 0) return -1;
                Py_ssize_t pos = 0;
                for (Py_ssize_t k = 0; k < r.count; k++) {
                    if ((k && out_lit(o, ",") < 0) || out_lit(o, "\n") < 0 || out_spaces(o, in + 2) < 0) return -1;
                    if (r.kind == K_PACKED_VARINT) {
                        uint64_t val = 0;
                        read_varint(p, pos, n, &val, &pos);
                        rc = out_u64(o, val);
                    } else if (r.kind == K_PACKED_FIXED32) {
                        rc = out_u64(o, u32_at(p + 4 * k));
                    } else {
                        rc = out_double(o, r.kind == K_PACKED_FLOAT ? f32_at(p + 4 * k) : f64_at(p + 8 * k));
                    }
                    if (rc < 0) return -1;
                }
                rc = out_lit(o, "\n") < 0 || out_spaces(o, in) < 0 || out_lit(o, "]") < 0 ? -1 : 0;
                break;
            }
            default: rc = out_value(c, f, &r); break;  /* numbers and text: as the raw text shows them */
        }
        if (rc < 0) return -1;
    }
    if (out_lit(o, "\n") < 0 || out_spaces(o, ind) < 0) return -1;
    return out_lit(o, "}");
}

/* The items of one "fields" list, each after its separator ("\n" before the first, ",\n" before the others). */
static int json_level(Ctx *c, const Recs *rs, int level, int with_runs, Py_ssize_t ind, int first) {
    Py_ssize_t n = rs->n;
    const Rec *r = rs->r;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_ssize_t count = 1, plain_to = i;  /* fields i..plain_to are shown one by one */
        if (with_runs && n >= RUN_MIN) {
            Py_ssize_t j = i;
            while (j + 1 < n && r[j + 1].key == r[j].key && r[j + 1].e - r[j + 1].t == r[j].e - r[j].t &&
                   r[j + 1].t == r[j].e)
                j++;
            Py_ssize_t chain = j - i + 1;
            int same = chain >= RUN_MIN;
            for (Py_ssize_t k = 1; k < chain && same; k++)
                same = memcmp(c->b + r[i].t, c->b + r[i + k].t, (size_t)(r[i].e - r[i].t)) == 0;
            if (same) count = chain; else plain_to = j;
        }
        for (Py_ssize_t k = i; k <= plain_to; k++) {
            if (out_str(&c->out, first ? "\n" : ",\n") < 0) return -1;
            first = 0;
            if (json_field(c, &r[k], level, k == i ? count : 1, ind) < 0) return -1;
        }
        i = count > 1 ? i + count : plain_to + 1;
    }
    return 0;
}

/* -- the module ------------------------------------------------------------------------------ */

/* refscan.scan_fields(buf, start, end, 0, 0, limit) when it ends cleanly: (recs, None, after, after); None when
 * it would not (the caller runs the Python loop, which words the error). */
static PyObject *scan_clean(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t start, end;
    PyObject *limit_obj = Py_None;
    if (!PyArg_ParseTuple(args, "y*nn|O:scan_clean", &view, &start, &end, &limit_obj)) return NULL;
    PyObject *result = NULL, *list = NULL;
    Recs rs = {0};
    Py_ssize_t limit = end;
    if (limit_obj != Py_None) {
        limit = PyLong_AsSsize_t(limit_obj);
        if (limit == -1 && PyErr_Occurred()) goto end;
    }
    if (start < 0 || end > view.len || start > end) {  /* the Python loop decides what such a span gives */
        result = Py_NewRef(Py_None);
        goto end;
    }
    Py_ssize_t after = start;
    int rc = scan_to(view.buf, start, end, limit, 0, 0, &rs, NULL, &after);
    if (rc < 0) goto end;
    if (rc > 0) {
        result = Py_NewRef(Py_None);
        goto end;
    }
    list = PyList_New(4 * rs.n);
    if (!list) goto end;
    for (Py_ssize_t i = 0; i < rs.n; i++) {
        PyObject *items[4] = {PyLong_FromSsize_t(rs.r[i].t), PyLong_FromUnsignedLongLong(rs.r[i].key),
                              PyLong_FromSsize_t(rs.r[i].v), PyLong_FromSsize_t(rs.r[i].e)};
        for (int k = 0; k < 4; k++) {
            if (!items[k]) {
                for (int j = 0; j < 4; j++) Py_XDECREF(items[j]);
                goto end;
            }
        }
        for (int k = 0; k < 4; k++) PyList_SET_ITEM(list, 4 * i + k, items[k]);
    }
    result = Py_BuildValue("(OOnn)", list, Py_None, after, after);
end:
    Py_XDECREF(list);
    PyMem_Free(rs.r);
    PyBuffer_Release(&view);
    return result;
}

static PyObject *level_runs(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t start, stop;
    if (!PyArg_ParseTuple(args, "y*nn:runs", &view, &start, &stop)) return NULL;
    PyObject *result = NULL;
    Recs rs = {0};
    if (start < 0 || stop < start || stop > view.len) {
        PyErr_SetString(PyExc_ValueError, "span out of the buffer");
        goto end;
    }
    int rc = scan(view.buf, start, stop, 0, 0, &rs, NULL, NULL);
    if (rc < 0) goto end;
    if (rc > 0) {
        PyErr_SetString(PyExc_ValueError, "the span does not parse cleanly as one level");
        goto end;
    }
    result = PyDict_New();
    if (!result) goto end;
    const uint8_t *b = view.buf;
    const Rec *r = rs.r;
    Py_ssize_t n = rs.n, i = 0;
    while (n >= RUN_MIN && i < n) {  /* render.runs (see render_level) */
        Py_ssize_t j = i;
        while (j + 1 < n && r[j + 1].key == r[j].key && r[j + 1].e - r[j + 1].t == r[j].e - r[j].t &&
               r[j + 1].t == r[j].e)
            j++;
        Py_ssize_t chain = j - i + 1;
        if (chain >= RUN_MIN) {
            Py_ssize_t size = r[i].e - r[i].t;
            int same = 1;
            for (Py_ssize_t k = 1; k < chain && same; k++)
                same = memcmp(b + r[i].t, b + r[i + k].t, (size_t)size) == 0;
            if (same) {
                PyObject *key = PyLong_FromSsize_t(i), *value = PyLong_FromSsize_t(chain);
                int bad = !key || !value || PyDict_SetItem(result, key, value) < 0;
                Py_XDECREF(key);
                Py_XDECREF(value);
                if (bad) { Py_CLEAR(result); goto end; }
            }
        }
        i = j + 1;
    }
end:
    PyMem_Free(rs.r);
    PyBuffer_Release(&view);
    return result;
}


/* -- many messages of one kind, field by field (console/models/job_wire.scan, the jobs table's bulk decode) -- */

/* One varint at b[*p] (below end); 0, or -1 when it runs past end or over 10 bytes. */
static inline int many_varint(const uint8_t *b, Py_ssize_t end, Py_ssize_t *p, uint64_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
        if (*p >= end) return -1;
        uint8_t c = b[(*p)++];
        v |= (uint64_t)(c & 0x7F) << shift;
        if (!(c & 0x80)) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* scan_many(buf, starts, ends, kinds) -> (varints, spans, repeated) | None
 * job_wire.scan for the messages buf[starts[i]:ends[i]] (int64 buffers): kinds[f] is 1 + the slot of field f
 * among the varint fields, 65 + its slot among the singular length-delimited ones, 129 + its slot among the
 * repeated ones, 0 for a field to skip (fields past len(kinds) are skipped).  Returns bytes holding int64s:
 * varints [slot][message] (0 when absent, the last occurrence wins), spans [slot][start/end][message], and
 * the repeated occurrences as (slot, message, start, end) in message then position order.  None when a
 * message does not parse (the caller runs the Python scan, which words the error). */
static PyObject *scan_many(PyObject *self, PyObject *args) {
    Py_buffer buf, sv, ev, kv;
    if (!PyArg_ParseTuple(args, "y*y*y*y*:scan_many", &buf, &sv, &ev, &kv)) return NULL;
    PyObject *result = NULL, *vo = NULL, *so = NULL;
    int64_t *rep = NULL;
    Py_ssize_t nrep = 0, caprep = 0;
    Py_ssize_t n = sv.len / 8;
    const uint8_t *kinds = kv.buf;
    Py_ssize_t nk = kv.len;
    int nv = 0, ns = 0;
    for (Py_ssize_t f = 0; f < nk; f++) {
        if (kinds[f] >= 1 && kinds[f] <= 64 && kinds[f] > nv) nv = kinds[f];
        if (kinds[f] >= 65 && kinds[f] <= 128 && kinds[f] - 64 > ns) ns = kinds[f] - 64;
    }
    if (ev.len / 8 != n) {
        PyErr_SetString(PyExc_ValueError, "starts and ends differ in length");
        goto end;
    }
    vo = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)nv * n * 8);
    so = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)ns * 2 * n * 8);
    if (!vo || !so) goto end;
    int64_t *V = (int64_t *)PyBytes_AS_STRING(vo);
    int64_t *S = (int64_t *)PyBytes_AS_STRING(so);
    memset(V, 0, (size_t)nv * n * 8);
    memset(S, 0, (size_t)ns * 2 * n * 8);
    const uint8_t *b = buf.buf;
    const int64_t *st = sv.buf, *en = ev.buf;
    int bad = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n && !bad; i++) {
        Py_ssize_t p = st[i], end = en[i];
        if (p < 0 || end > buf.len || p > end) { bad = 1; break; }
        while (p < end) {
            uint64_t tag, val;
            if (many_varint(b, end, &p, &tag) < 0) { bad = 1; break; }
            uint64_t num = tag >> 3;
            int wt = (int)(tag & 7);
            if (num == 0) { bad = 1; break; }
            int kind = num < (uint64_t)nk ? kinds[num] : 0;
            if (wt == 0) {
                if (many_varint(b, end, &p, &val) < 0) { bad = 1; break; }
                if (kind >= 1 && kind <= 64) V[(Py_ssize_t)(kind - 1) * n + i] = (int64_t)val;
            } else if (wt == 2) {
                uint64_t ln;
                if (many_varint(b, end, &p, &ln) < 0 || ln > (uint64_t)(end - p)) { bad = 1; break; }
                Py_ssize_t a = p, e = p + (Py_ssize_t)ln;
                p = e;
                if (kind >= 65 && kind <= 128) {
                    S[((Py_ssize_t)(kind - 65) * 2) * n + i] = a;
                    S[((Py_ssize_t)(kind - 65) * 2 + 1) * n + i] = e;
                } else if (kind >= 129) {
                    if (nrep == caprep) {
                        Py_ssize_t cap = caprep ? 2 * caprep : 1024;
                        int64_t *grown = PyMem_RawRealloc(rep, (size_t)cap * 4 * 8);
                        if (!grown) { bad = 2; break; }
                        rep = grown;
                        caprep = cap;
                    }
                    int64_t *r = rep + nrep * 4;
                    r[0] = kind - 129; r[1] = i; r[2] = a; r[3] = e;
                    nrep++;
                }
            } else if (wt == 1) {
                if (end - p < 8) { bad = 1; break; }
                p += 8;
            } else if (wt == 5) {
                if (end - p < 4) { bad = 1; break; }
                p += 4;
            } else { bad = 1; break; }
        }
    }
    Py_END_ALLOW_THREADS
    if (bad == 2) {
        PyErr_NoMemory();
        goto end;
    }
    if (bad) {
        result = Py_NewRef(Py_None);
        goto end;
    }
    PyObject *ro = PyBytes_FromStringAndSize((const char *)rep, nrep * 4 * 8);
    if (!ro) goto end;
    result = Py_BuildValue("(OON)", vo, so, ro);
end:
    Py_XDECREF(vo);
    Py_XDECREF(so);
    PyMem_RawFree(rep);
    PyBuffer_Release(&buf);
    PyBuffer_Release(&sv);
    PyBuffer_Release(&ev);
    PyBuffer_Release(&kv);
    return result;
}


/* gather_many(buf, starts, ends, width) -> bytearray of len(starts) * width: buf[starts[i]:ends[i]] cut at
 * width bytes, zero-padded (job_wire.gather's fixed-width bytes column).  None when a span is outside buf. */
static PyObject *gather_many(PyObject *self, PyObject *args) {
    Py_buffer buf, sv, ev;
    Py_ssize_t width;
    if (!PyArg_ParseTuple(args, "y*y*y*n:gather_many", &buf, &sv, &ev, &width)) return NULL;
    PyObject *out = NULL;
    Py_ssize_t n = sv.len / 8;
    if (ev.len / 8 != n || width < 1) {
        PyErr_SetString(PyExc_ValueError, "starts and ends differ in length, or width < 1");
        goto end;
    }
    const int64_t *st = sv.buf, *en = ev.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (st[i] < 0 || en[i] < st[i] || en[i] > buf.len) {
            out = Py_NewRef(Py_None);
            goto end;
        }
    }
    out = PyByteArray_FromStringAndSize(NULL, n * width);
    if (!out) goto end;
    char *o = PyByteArray_AS_STRING(out);
    const char *b = buf.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t len = en[i] - st[i];
        if (len > width) len = width;
        memcpy(o + i * width, b + st[i], (size_t)len);
        memset(o + i * width + len, 0, (size_t)(width - len));
    }
    Py_END_ALLOW_THREADS
end:
    PyBuffer_Release(&buf);
    PyBuffer_Release(&sv);
    PyBuffer_Release(&ev);
    return out;
}

/* copy_many(dst, src, starts, lens, at) -> bool: dst[at[i]:at[i]+lens[i]] = src[starts[i]:starts[i]+lens[i]]
 * (job_wire.copy_spans); False, nothing copied, when a span falls outside either buffer. */
static PyObject *copy_many(PyObject *self, PyObject *args) {
    Py_buffer dst, src, sv, lv, av;
    if (!PyArg_ParseTuple(args, "w*y*y*y*y*:copy_many", &dst, &src, &sv, &lv, &av)) return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = sv.len / 8;
    const int64_t *st = sv.buf, *ln = lv.buf, *at = av.buf;
    if (lv.len / 8 != n || av.len / 8 != n) {
        PyErr_SetString(PyExc_ValueError, "starts, lens and at differ in length");
        goto end;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        if (ln[i] < 0 || st[i] < 0 || at[i] < 0 || st[i] > src.len - ln[i] || at[i] > dst.len - ln[i]) {
            result = Py_NewRef(Py_False);
            goto end;
        }
    }
    char *d = dst.buf;
    const char *s = src.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < n; i++) memmove(d + at[i], s + st[i], (size_t)ln[i]);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_True);
end:
    PyBuffer_Release(&dst);
    PyBuffer_Release(&src);
    PyBuffer_Release(&sv);
    PyBuffer_Release(&lv);
    PyBuffer_Release(&av);
    return result;
}

/* A high bit in each byte of v that is zero (exact: no false positive above a zero byte). */
static inline uint64_t zero_bytes(uint64_t v) {
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    return ~(((v & low7) + low7) | v | low7);
}

/* find_many over a whole column: o[row] = 1 for every row of width w holding the needle (no NUL in it, nl <= w).
 * Eight places at a time (SWAR): the places whose byte is the needle's first and whose next byte its second, each
 * then checked (the rest of the needle, not across two rows); after a match, on from the next row.  memmem per
 * row cost ~25 ns a row (its set-up), a whole-column memmem walked 2-byte needles a byte at a time. */
static void find_column(const unsigned char *b, size_t len, size_t w, const unsigned char *needle, size_t nl,
                        char *o) {
    size_t i = 0;
#if defined(__SSE2__)
    /* sixteen places at a time, as below */
    const __m128i v0 = _mm_set1_epi8((char)needle[0]), v1 = _mm_set1_epi8((char)needle[nl > 1 ? 1 : 0]);
    while (i + 17 <= len) {
        __m128i a = _mm_loadu_si128((const __m128i *)(b + i));
        __m128i eq = _mm_cmpeq_epi8(a, v0);
        if (nl > 1) eq = _mm_and_si128(eq, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(b + i + 1)), v1));
        unsigned m = (unsigned)_mm_movemask_epi8(eq);
        size_t next = i + 16;
        while (m) {
            size_t pos = i + (size_t)__builtin_ctz(m);
            m &= m - 1;
            size_t row = pos / w;
            if (pos % w + nl <= w && (nl <= 2 || memcmp(b + pos + 2, needle + 2, nl - 2) == 0)) {
                o[row] = 1;
                next = (row + 1) * w;
                break;
            }
        }
        i = next;
    }
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t r0 = 0x0101010101010101ULL * needle[0];
    const uint64_t r1 = 0x0101010101010101ULL * needle[nl > 1 ? 1 : 0];
    while (i + 9 <= len) {
        uint64_t a, a1;
        memcpy(&a, b + i, 8);
        memcpy(&a1, b + i + 1, 8);
        uint64_t m = zero_bytes(a ^ r0);
        if (nl > 1) m &= zero_bytes(a1 ^ r1);
        size_t next = i + 8;
        while (m) {
            size_t pos = i + ((size_t)__builtin_ctzll(m) >> 3);
            m &= m - 1;
            size_t row = pos / w;
            if (pos % w + nl <= w && (nl <= 2 || memcmp(b + pos + 2, needle + 2, nl - 2) == 0)) {
                o[row] = 1;
                next = (row + 1) * w;
                break;
            }
        }
        i = next;
    }
#endif
    for (; i + nl <= len; i++) {
        if (b[i] == needle[0] && i % w + nl <= w && memcmp(b + i, needle, nl) == 0) {
            size_t row = i / w;
            o[row] = 1;
            i = (row + 1) * w - 1;
        }
    }
}

/* find_many(col, width, needle, rows, out) -> bool: out[i] = needle occurs in row rows[i] (every row when rows is
 * None) of col, a C-contiguous numpy fixed-width bytes column ("S<width>") (console/models/job_filter._find_rows:
 * a free-text keystroke over a million folded names); False, nothing written, when the sizes do not fit, a row is
 * out of range, or the needle is empty or holds a NUL byte (the rows' padding: it could match there). */
static PyObject *find_many(PyObject *self, PyObject *args) {
    Py_buffer col, nd, out, rv = {0};
    Py_ssize_t width;
    PyObject *rows_obj;
    if (!PyArg_ParseTuple(args, "y*ny*Ow*:find_many", &col, &width, &nd, &rows_obj, &out)) return NULL;
    PyObject *result = NULL;
    int have_rows = rows_obj != Py_None;
    if (have_rows && PyObject_GetBuffer(rows_obj, &rv, PyBUF_C_CONTIGUOUS) < 0) goto release;
    Py_ssize_t total = width > 0 ? col.len / width : 0;
    Py_ssize_t n = have_rows ? rv.len / 8 : total;
    if (width <= 0 || col.len % width || out.len != n || nd.len == 0 || memchr(nd.buf, 0, (size_t)nd.len)) {
        result = Py_NewRef(Py_False);
        goto end;
    }
    const int64_t *r = rv.buf;
    if (have_rows) {
        for (Py_ssize_t i = 0; i < n; i++) {
            if (r[i] < 0 || r[i] >= total) {
                result = Py_NewRef(Py_False);
                goto end;
            }
        }
    }
    const char *c = col.buf, *needle = nd.buf;
    char *o = out.buf;
    size_t nl = (size_t)nd.len, w = (size_t)width;
    Py_BEGIN_ALLOW_THREADS
    if (nl > w) {
        memset(o, 0, (size_t)n);
    } else if (!have_rows) {
        memset(o, 0, (size_t)n);
        find_column((const unsigned char *)c, (size_t)total * w, w, (const unsigned char *)needle, nl, o);
    } else if (nl == 1) {
        for (Py_ssize_t i = 0; i < n; i++) o[i] = memchr(c + (have_rows ? r[i] : i) * width, needle[0], w) != NULL;
    } else {
        for (Py_ssize_t i = 0; i < n; i++) o[i] = memmem(c + (have_rows ? r[i] : i) * width, w, needle, nl) != NULL;
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_True);
end:
    if (have_rows) PyBuffer_Release(&rv);
release:
    PyBuffer_Release(&col);
    PyBuffer_Release(&nd);
    PyBuffer_Release(&out);
    return result;
}

#define SPARE_MAX (16 << 20)
static Out spare;  /* kept between calls (the GIL is held throughout a call) */

/* The rendered bytes written to the file descriptor fd (the CLI's stdout, flushed by the caller) instead of
 * copied into a bytes object: the count written, or NULL with OSError (BrokenPipeError...) as os.write. */
static PyObject *write_out(int fd, const Out *o) {
    Py_ssize_t done = 0;
    while (done < o->len) {
        ssize_t n;
        Py_BEGIN_ALLOW_THREADS
        n = write(fd, o->p + done, (size_t)(o->len - done));
        Py_END_ALLOW_THREADS
        if (n < 0) {
            if (errno == EINTR) {
                if (PyErr_CheckSignals() < 0) return NULL;
                continue;
            }
            return PyErr_SetFromErrno(PyExc_OSError);
        }
        done += n;
    }
    return PyLong_FromSsize_t(done);
}

static PyObject *raw_text(PyObject *self, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"buf", "start", "stop", "indent", "depth", "runs", "as_bytes", "fd", NULL};
    Py_buffer view;
    Py_ssize_t start, stop;
    const char *indent;
    Py_ssize_t indent_len;
    int depth = 0, with_runs = 1, as_bytes = 0, fd = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*nns#|ippi:raw_text", names, &view, &start, &stop, &indent,
                                     &indent_len, &depth, &with_runs, &as_bytes, &fd))
        return NULL;
    PyObject *result = NULL;
    Recs rs = {0};
    Ctx c = {0};
    if (start < 0 || stop < start || stop > view.len) {
        PyErr_SetString(PyExc_ValueError, "span out of the buffer");
        goto end;
    }
    c.b = view.buf;
    c.size = view.len;
    c.indent = indent;
    c.indent_len = indent_len;
    if (depth < 0) {
        PyErr_SetString(PyExc_ValueError, "a negative depth");
        goto end;
    }
    c.depth0 = depth;
    c.out = spare;  /* the last call's buffer: its pages are already mapped */
    c.out.len = 0;
    spare.p = NULL;
    spare.cap = 0;
    int rc = scan(c.b, start, stop, 0, 0, &rs, NULL, NULL);
    if (rc < 0) goto end;
    if (rc > 0) {
        PyErr_SetString(PyExc_ValueError, "the span does not parse cleanly as one level");
        goto end;
    }
    if (render_level(&c, &rs, 0, with_runs) < 0) goto end;
    if (fd >= 0)
        result = write_out(fd, &c.out);
    else if (as_bytes)
        result = PyBytes_FromStringAndSize(c.out.p ? c.out.p : "", c.out.len);
    else
        result = PyUnicode_DecodeUTF8(c.out.p ? c.out.p : "", c.out.len, "strict");
end:
    PyMem_Free(rs.r);
    free_pool(&c);
    if (c.out.cap <= SPARE_MAX && !spare.p) {
        spare = c.out;
    } else {
        PyMem_Free(c.out.p);
    }
    PyBuffer_Release(&view);
    return result;
}

static PyObject *raw_json(PyObject *self, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"buf", "start", "stop", "first", "repeated", "depth", "runs", "fd", NULL};
    Py_buffer view;
    Py_ssize_t start, stop, repeated = 1;
    int first = 1, depth = 0, with_runs = 1, fd = -1;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "y*nn|pnipi:raw_json", names, &view, &start, &stop, &first,
                                     &repeated, &depth, &with_runs, &fd))
        return NULL;
    PyObject *result = NULL;
    Recs rs = {0};
    Ctx c = {0};
    if (start < 0 || stop < start || stop > view.len || depth < 0) {
        PyErr_SetString(PyExc_ValueError, "span out of the buffer, or a negative depth");
        goto end;
    }
    c.b = view.buf;
    c.size = view.len;
    c.indent = "";
    c.depth0 = depth;
    c.out = spare;
    c.out.len = 0;
    spare.p = NULL;
    spare.cap = 0;
    int rc = scan(c.b, start, stop, 0, 0, &rs, NULL, NULL);
    if (rc < 0) goto end;
    if (rc > 0 || (repeated > 1 && rs.n != 1)) {
        PyErr_SetString(PyExc_ValueError, rc > 0 ? "the span does not parse cleanly as one level"
                                                 : "a repeated field is one field");
        goto end;
    }
    if (repeated > 1) {
        if (out_str(&c.out, first ? "\n" : ",\n") < 0 || json_field(&c, &rs.r[0], 0, repeated, 4 + 6 * 0) < 0)
            goto end;
    } else if (json_level(&c, &rs, 0, with_runs, 4, first) < 0) {
        goto end;
    }
    result = fd >= 0 ? write_out(fd, &c.out) : PyBytes_FromStringAndSize(c.out.p ? c.out.p : "", c.out.len);
end:
    PyMem_Free(rs.r);
    free_pool(&c);
    if (c.out.cap <= SPARE_MAX && !spare.p) {
        spare = c.out;
    } else {
        PyMem_Free(c.out.p);
    }
    PyBuffer_Release(&view);
    return result;
}

static PyObject *float_text(PyObject *self, PyObject *arg) {
    double d = PyFloat_AsDouble(arg);
    if (d == -1.0 && PyErr_Occurred()) return NULL;
    Out o = {0};
    if (out_double(&o, d) < 0) {
        PyMem_Free(o.p);
        return NULL;
    }
    PyObject *result = PyUnicode_FromStringAndSize(o.p, o.len);
    PyMem_Free(o.p);
    return result;
}

/* head + the items of the clean level buf[start:stop] (runs found on the whole level) + tail, as one str: what
 * raw_json_text makes for the editor's JSON pane (~50 times the message). Rendered into one buffer and
 * decoded once, where batches would each make a bytes object, a str and then a joined copy of them all. */
static PyObject *json_text(PyObject *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t start, stop;
    const char *head, *tail;
    Py_ssize_t head_len, tail_len;
    if (!PyArg_ParseTuple(args, "y*nns#s#:json_text", &view, &start, &stop, &head, &head_len, &tail, &tail_len))
        return NULL;
    PyObject *result = NULL;
    Recs rs = {0};
    Ctx c = {0};
    if (start < 0 || stop < start || stop > view.len) {
        PyErr_SetString(PyExc_ValueError, "span out of the buffer");
        goto end;
    }
    c.b = view.buf;
    c.size = view.len;
    c.indent = "";
    c.depth0 = 0;
    int rc = scan(c.b, start, stop, 0, 0, &rs, NULL, NULL);
    if (rc < 0) goto end;
    if (rc > 0) {
        PyErr_SetString(PyExc_ValueError, "the span does not parse cleanly as one level");
        goto end;
    }
    Py_ssize_t guess = 48 * (stop - start);  /* JSON is ~50 times its input: one mapping grown at most a few times */
    if (out_reserve(&c.out, head_len + (guess < (1 << 28) ? guess : (1 << 28)) + tail_len) < 0) goto end;
    if (out_put(&c.out, head, head_len) < 0 || json_level(&c, &rs, 0, 1, 4, 1) < 0
        || out_put(&c.out, tail, tail_len) < 0)
        goto end;
    result = PyUnicode_DecodeUTF8(c.out.p ? c.out.p : "", c.out.len, "strict");
end:
    PyMem_Free(rs.r);
    free_pool(&c);
    PyMem_Free(c.out.p);
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef methods[] = {
    {"json_text", json_text, METH_VARARGS,
     "json_text(buf, start, stop, head, tail) -> str\n\n"
     "head, then the top-level items of json.dumps(render.raw_json(level), indent=2, ensure_ascii=False) for\n"
     "the clean level buf[start:stop] (its runs found on the whole level), then tail."},
    {"float_text", float_text, METH_O,
     "float_text(d) -> str\n\nstr(d) as the renderer prints a float or double (the tests hold it to repr)."},
    {"raw_json", (PyCFunction)(void (*)(void))raw_json, METH_VARARGS | METH_KEYWORDS,
     "raw_json(buf, start, stop, first=True, repeated=1, depth=0, runs=True, fd=-1) -> bytes (fd >= 0: int)\n\n"
     "The UTF-8 of the top-level items of json.dumps(render.raw_json(level), indent=2, ensure_ascii=False)\n"
     "for the fields of buf[start:stop] (a clean level), each after its separator; repeated > 1: the one\n"
     "field of the span shown with that count. fd >= 0: the bytes are written to that file descriptor instead\n"
     "and their count returned."},
    {"raw_text", (PyCFunction)(void (*)(void))raw_text, METH_VARARGS | METH_KEYWORDS,
     "raw_text(buf, start, stop, indent, depth=0, runs=True, as_bytes=False, fd=-1) -> str (bytes: its UTF-8;\n"
     "fd >= 0: its UTF-8 written to that file descriptor, and their count returned)\n\n"
     "The raw text lines (each ending with a newline) of the fields of buf[start:stop] scanned as one clean\n"
     "level, as render.field_lines prints them without pins; ValueError when the span is not a clean level."},
    {"scan_clean", scan_clean, METH_VARARGS,
     "scan_clean(buf, start, end, limit=None) -> (recs, None, after, after) | None\n\n"
     "refscan.scan_fields(buf, start, end, 0, 0, limit) when the level scans cleanly, else None."},
    {"scan_many", scan_many, METH_VARARGS,
     "scan_many(buf, starts, ends, kinds) -> (varints, spans, repeated) | None\n\n"
     "console/models/job_wire.scan of many messages of one kind in one pass (see the C comment)."},
    {"gather_many", gather_many, METH_VARARGS,
     "gather_many(buf, starts, ends, width) -> bytearray | None\n\n"
     "console/models/job_wire.gather: the spans as one fixed-width bytes column (cut, zero-padded)."},
    {"copy_many", copy_many, METH_VARARGS,
     "copy_many(dst, src, starts, lens, at) -> bool\n\n"
     "console/models/job_wire.copy_spans: dst[at[i]:at[i]+lens[i]] = src[starts[i]:starts[i]+lens[i]]."},
    {"find_many", find_many, METH_VARARGS,
     "find_many(col, width, needle, rows, out) -> bool\n\n"
     "console/models/job_filter._find_rows: out[i] = needle in row rows[i] (or every row) of a fixed-width bytes column."},
    {"runs", level_runs, METH_VARARGS,
     "runs(buf, start, stop) -> dict[int, int]\n\n"
     "render.runs of the clean level buf[start:stop]: {first index: count} of each run of identical fields."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_rawwire", "The raw decode's hot loop in C (see render.py for the reference).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__rawwire(void) { return PyModule_Create(&module); }

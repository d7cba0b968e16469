/**
 * Tag numbers, types and flag bits, named as in rpm's include/rpm/rpmtag.h,
 * rpmds.h and rpmfiles.h (rpm 4.18). Only what the writer uses.
 */

/** rpmTagType (rpmtag.h). */
export const TagType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;
export type TagType = (typeof TagType)[keyof typeof TagType];

/** Region tags. */
export const RPMTAG_HEADERSIGNATURES = 62;
export const RPMTAG_HEADERIMMUTABLE = 63;
export const RPMTAG_HEADERI18NTABLE = 100;

/** Signature header tags (rpmtag.h: RPMSIGTAG_*; SIG_BASE = 256). */
export const RPMSIGTAG_RSA = 268; // RPMTAG_RSAHEADER: OpenPGP signature of the main header
export const RPMSIGTAG_SHA1 = 269; // RPMTAG_SHA1HEADER
export const RPMSIGTAG_LONGSIZE = 270;
export const RPMSIGTAG_LONGARCHIVESIZE = 271;
export const RPMSIGTAG_SHA256 = 273; // RPMTAG_SHA256HEADER (rpmtag.h; format_v4.md wrongly says 272)
export const RPMSIGTAG_SIZE = 1000;
export const RPMSIGTAG_PGP = 1002; // OpenPGP signature of header + payload
export const RPMSIGTAG_MD5 = 1004;
export const RPMSIGTAG_PAYLOADSIZE = 1007;

/** Main header tags (rpmtag.h: RPMTAG_*). */
export const RPMTAG_NAME = 1000;
export const RPMTAG_VERSION = 1001;
export const RPMTAG_RELEASE = 1002;
export const RPMTAG_EPOCH = 1003;
export const RPMTAG_SUMMARY = 1004;
export const RPMTAG_DESCRIPTION = 1005;
export const RPMTAG_BUILDTIME = 1006;
export const RPMTAG_BUILDHOST = 1007;
export const RPMTAG_SIZE = 1009;
export const RPMTAG_VENDOR = 1011;
export const RPMTAG_LICENSE = 1014;
export const RPMTAG_PACKAGER = 1015;
export const RPMTAG_GROUP = 1016;
export const RPMTAG_URL = 1020;
export const RPMTAG_OS = 1021;
export const RPMTAG_ARCH = 1022;
export const RPMTAG_PREIN = 1023;
export const RPMTAG_POSTIN = 1024;
export const RPMTAG_PREUN = 1025;
export const RPMTAG_POSTUN = 1026;
export const RPMTAG_FILESIZES = 1028;
export const RPMTAG_FILEMODES = 1030;
export const RPMTAG_FILERDEVS = 1033;
export const RPMTAG_FILEMTIMES = 1034;
export const RPMTAG_FILEDIGESTS = 1035;
export const RPMTAG_FILELINKTOS = 1036;
export const RPMTAG_FILEFLAGS = 1037;
export const RPMTAG_FILEUSERNAME = 1039;
export const RPMTAG_FILEGROUPNAME = 1040;
export const RPMTAG_SOURCERPM = 1044;
export const RPMTAG_FILEVERIFYFLAGS = 1045;
export const RPMTAG_PROVIDENAME = 1047;
export const RPMTAG_REQUIREFLAGS = 1048;
export const RPMTAG_REQUIRENAME = 1049;
export const RPMTAG_REQUIREVERSION = 1050;
export const RPMTAG_CONFLICTFLAGS = 1053;
export const RPMTAG_CONFLICTNAME = 1054;
export const RPMTAG_CONFLICTVERSION = 1055;
export const RPMTAG_RPMVERSION = 1064;
export const RPMTAG_CHANGELOGTIME = 1080;
export const RPMTAG_CHANGELOGNAME = 1081;
export const RPMTAG_CHANGELOGTEXT = 1082;
export const RPMTAG_PREINPROG = 1085;
export const RPMTAG_POSTINPROG = 1086;
export const RPMTAG_PREUNPROG = 1087;
export const RPMTAG_POSTUNPROG = 1088;
export const RPMTAG_OBSOLETENAME = 1090;
export const RPMTAG_FILEDEVICES = 1095;
export const RPMTAG_FILEINODES = 1096;
export const RPMTAG_FILELANGS = 1097;
export const RPMTAG_SOURCEPACKAGE = 1106;
export const RPMTAG_PROVIDEFLAGS = 1112;
export const RPMTAG_PROVIDEVERSION = 1113;
export const RPMTAG_OBSOLETEFLAGS = 1114;
export const RPMTAG_OBSOLETEVERSION = 1115;
export const RPMTAG_DIRINDEXES = 1116;
export const RPMTAG_BASENAMES = 1117;
export const RPMTAG_DIRNAMES = 1118;
export const RPMTAG_PAYLOADFORMAT = 1124;
export const RPMTAG_PAYLOADCOMPRESSOR = 1125;
export const RPMTAG_PAYLOADFLAGS = 1126;
export const RPMTAG_FILECOLORS = 1140;
export const RPMTAG_FILECLASS = 1141;
export const RPMTAG_CLASSDICT = 1142;
export const RPMTAG_PRETRANS = 1151;
export const RPMTAG_POSTTRANS = 1152;
export const RPMTAG_PRETRANSPROG = 1153;
export const RPMTAG_POSTTRANSPROG = 1154;
export const RPMTAG_LONGFILESIZES = 5008;
export const RPMTAG_LONGSIZE = 5009;
export const RPMTAG_FILEDIGESTALGO = 5011;
export const RPMTAG_RECOMMENDNAME = 5046;
export const RPMTAG_RECOMMENDVERSION = 5047;
export const RPMTAG_RECOMMENDFLAGS = 5048;
export const RPMTAG_SUGGESTNAME = 5049;
export const RPMTAG_SUGGESTVERSION = 5050;
export const RPMTAG_SUGGESTFLAGS = 5051;
export const RPMTAG_ENCODING = 5062;
export const RPMTAG_PAYLOADDIGEST = 5092;
export const RPMTAG_PAYLOADDIGESTALGO = 5093;
export const RPMTAG_PAYLOADDIGESTALT = 5097;

/** rpmsenseFlags (rpmds.h). */
export const RPMSENSE_ANY = 0;
export const RPMSENSE_LESS = 1 << 1;
export const RPMSENSE_GREATER = 1 << 2;
export const RPMSENSE_EQUAL = 1 << 3;
export const RPMSENSE_POSTTRANS = 1 << 5;
export const RPMSENSE_PREREQ = 1 << 6;
export const RPMSENSE_PRETRANS = 1 << 7;
export const RPMSENSE_INTERP = 1 << 8;
export const RPMSENSE_SCRIPT_PRE = 1 << 9;
export const RPMSENSE_SCRIPT_POST = 1 << 10;
export const RPMSENSE_SCRIPT_PREUN = 1 << 11;
export const RPMSENSE_SCRIPT_POSTUN = 1 << 12;
export const RPMSENSE_RPMLIB = 1 << 24;
export const RPMSENSE_CONFIG = 1 << 28;

/** rpmfileAttrs (rpmfiles.h). */
export const RPMFILE_CONFIG = 1 << 0;
export const RPMFILE_DOC = 1 << 1;
export const RPMFILE_MISSINGOK = 1 << 3;
export const RPMFILE_NOREPLACE = 1 << 4;
export const RPMFILE_SPECFILE = 1 << 5;
export const RPMFILE_GHOST = 1 << 6;
export const RPMFILE_LICENSE = 1 << 7;

/** rpmVerifyAttrs (rpmfiles.h). */
export const RPMVERIFY_ALL = 0xffffffff;
export const RPMVERIFY_FILEDIGEST = 1 << 0;
export const RPMVERIFY_FILESIZE = 1 << 1;
export const RPMVERIFY_LINKTO = 1 << 2;
export const RPMVERIFY_MTIME = 1 << 5;

/** pgpHashAlgo (rpmpgp.h): SHA-256. */
export const PGPHASHALGO_SHA256 = 8;

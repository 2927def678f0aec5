// Finds English sentences in text a Vietnamese page shows: what the browser tests run on every page
// after every action, so that a server message not rendered in the page's language is caught.
//
// The text is cut into lines (and table cells); a line's words are classified one by one:
//   - Vietnamese: a word with a Vietnamese letter or tone mark (ă â đ ê ô ơ ư, á à ả ã ạ ...);
//   - neutral: anything with a digit or a character of codes, names of files, e-mail addresses and
//     URLs (EB123456785VN, 01.02.26.H12-241206-0001, blank-1.png, thu@x.vn, #140, 06/12/2026), a word
//     in capitals (QR, PDF, EMS, CCCD, ID, OK), a brand or format word (hoso, VNPost, Zalo, Code 128),
//     and any other word not in the English list below (a login, a name without diacritics);
//   - strong English: a word of the English list (or the list's word with -s, -ed, -ing) that
//     cannot be a Vietnamese syllable written without marks (is, are, and, found, dossier, cannot);
//   - weak English: a word of the English list that is also a Vietnamese syllable without its marks
//     (to, an, no, do, not, that, can, in, on, the, set, yet): Vietnamese names and words written
//     without diacritics use them, so alone they prove nothing.
// A run is a stretch of a line between two Vietnamese words. A run is English prose when it has a
// strong English word and at least one more English word (strong or weak); or a strong English
// word in a line without any Vietnamese word (a raw label such as "accepted" in a table cell); or,
// in a line without Vietnamese, three weak English words making half the run ("Not set yet").
//
// `selfCheck()` runs the detector over known English and known Vietnamese strings (and the pages'
// own Vietnamese dictionary) and returns what it misjudged, so a detector that passes everything
// fails the run.

// Initial consonants and rhymes of Vietnamese syllables with their marks removed (đ -> d).
const VI_SYLLABLE = new RegExp(
  '^(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?' +
    '(?:' +
    // rhymes ending in a vowel or a glide
    'a|ai|ao|au|ay|e|eo|eu|i|ia|iu|ieu|o|oa|oai|oay|oe|oeo|oi|u|ua|uay|ue|ui|uo|uoi|uou|uu|uy|uya|uyu|y|yeu' +
    '|' +
    // rhymes ending in a consonant
    '(?:a|e|i|o|u|y|oa|oe|ua|ue|uo|ie|ye|uy|uye|oo)(?:c|ch|m|n|ng|nh|p|t)' +
    ')$',
);

export function isVietnameseSyllable(word) {
  return VI_SYLLABLE.test(word.toLowerCase());
}

// Common English words: function words, auxiliaries and the words of the desk's messages.
// Whether each is strong or weak is decided by isVietnameseSyllable, not by this list.
const ENGLISH = new Set(
  `a about above accept accepted accepting access account action actions active actor add added address
  addresses after again against age ago all allow allowed allows already also although
  always am among an and another answer answered answers any anything apologise apology appointment are
  aren't around arrived as ask asked at attempt attempts authorised available back bad barcode barcodes batch
  batches be because been before being below between both box busy but by call called can cannot can't
  carrier case cause changed changes check checked choose citizen clear close closed code's codes complete
  completed contact correct could couldn't created current database date day days decode decoded delete
  deleted delivered delivery depend desk did didn't different digit digits disabled dispatch dispatched
  do document documents does doesn't done don't dossier dossiers down due each either else empty end ended
  enough enter entered envelope envelopes error errors even every exist existing exists expected expired
  fail failed fails failure false fee fees field file files fill find finished first folder for form forms
  found free from full gave get give given go gone got had has hasn't have haven't having he her here his
  how however id if image images in input instead into invalid is isn't it it's its itself just keep kept
  know known label labels last later least leave left less like limit line list lists log logged long
  look looks made make manual many match matches may me message might missing more most move moved much
  must name named names need needed needs never new next no none nor not nothing now number numbers of off
  old on once one only open opened or order orders other our out over own page pages paid part password
  past pay person phone please point post posted print processed processing queue read reader reads ready
  reason receipt received record refuse refused register registered registering registers reject rejected
  remove removed request requested required resolve resolved result results return returned right role
  same saved scan scanned scanner scans second see seen send sent server service session set shall she
  shipment shipments should show shown since so some something start started state status still stop
  stopped stored such supplement sure system take taken than that the their them then there these they
  this those through time times to today too took tracking true try twice type typed under unknown until
  up upload uploaded use used user users valid value was wasn't way we were weren't what when where which
  while who whose why will with within without won't word would wrong yes yet you your
  ability able above across actually add addresses adding agency agent allowed alone along amount answering
  anyone anywhere applicant applicant's applicants application apply applied approved area argument arguments
  asking attached authentication authorisation authorization automatic available away
  become becomes begin behind belongs best better big blank body book bottom break bring broken build built
  came cancel cancelled cancelling cannot capacity card cards catalogue certain change channel character characters
  charset chosen client closing coming command commands confirm conflict connect connection content continue
  copied copy correctly count counting country create creating credentials daily data deadline decoder
  default delay delivered denied depends description detail details digit disk dismiss dismissed dismissing due
  during early edit email enabled encoded entry everything example exceeded except expect failing fast
  fewer filed filing final fine finish fixed following format forms forward found further general generate
  generated give goes going good great group half hand handed handover happened header help hidden hide high
  hold holds home hour hours idea identity important inbound include included incorrect independent information
  inside instead internal issued item items itself key keys kind large late later latest length less level limit
  link linked listing live local location lock locked logs lookup lost low main making manifest mark marked
  maybe mean means method middle minute minutes mode month months morning moving name's nearly necessary network
  nobody normal note notes notice nowhere object obligation occurred office officer often okay opening option
  options others otherwise outbound overdue parse parsed passed path paying pending per period permanent
  permission phones photo photos picture place placed plain possible posting prefix present previous probably
  problem problems procedure procedures proceed public portal query quite range rather reached reading real
  reason reasons receiver records recorded refusal reload remote repeat replaced reply report reports requests
  require requires reset response restart retry returns reused run running safe saying says scanning
  search select selected sending separate sequence set setting settings several shipping short showing
  side sign signed simple single size skip skipped small someone sometimes soon sorry source special
  specified step steps storage store street string succeeded success successful supported suppose take taking
  tell telling temporary text thing things think three timed timeout token tokens top total tried two
  unable unexpected unless unrecognised unrecognized unsupported update updated updates usable using usually various verify
  version very wait waiting want wanted warning watch week weeks well went whether whole wide will window work
  worked working write written wrote year years yesterday`
    .split(/\s+/)
    .filter(Boolean),
);

// Words that are neither English prose nor Vietnamese, shown on purpose: brands, formats, units.
const NEUTRAL = new Set(
  `hoso vnpost vietnam post zalo sms ems qr pdf png jpg jpeg tiff webp bmp csv svg html json api url
  code ok id cccd cmnd s10 upu english tiếng email e-mail online web`
    .split(/\s+/)
    .filter(Boolean),
);

const VIETNAMESE_LETTER = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/i;
const CODE_CHARACTER = /[0-9@_/\\:#=<>&%+*$~|[\]{}]|\.\w/;

// The class of one whitespace-separated chunk: 'vi', 'strong', 'weak' or 'neutral'.
export function classify(chunk) {
  const bare = chunk.replace(/^[^\p{L}\p{N}#@<]+|[^\p{L}\p{N}>]+$/gu, '');
  if (!bare) return 'neutral';
  if (VIETNAMESE_LETTER.test(bare)) return 'vi';
  if (CODE_CHARACTER.test(bare)) return 'neutral';
  if (!/^[A-Za-z]+(?:['’-][A-Za-z]+)*$/.test(bare)) return 'neutral';
  if (bare.length >= 2 && bare === bare.toUpperCase()) return 'neutral'; // QR, PDF, CCCD, NOT A WORD
  const lower = bare.toLowerCase().replace(/’/g, "'");
  if (NEUTRAL.has(lower)) return 'neutral';
  // "check-digit": English when a part is.
  const parts = lower.split('-');
  const kinds = parts.map((p) => (ENGLISH.has(p) ? (isVietnameseSyllable(p) ? 'weak' : 'strong') : 'neutral'));
  if (kinds.includes('strong')) return 'strong';
  if (kinds.includes('weak')) return 'weak';
  // An English word with an ending (-s, -ed, -ing) the list lacks.
  const stem = lower.replace(/(?:'s|s|es|ed|d|ing)$/, '');
  const known = ENGLISH.has(stem) || ENGLISH.has(stem + 'e');
  if (stem !== lower && stem.length >= 3 && known && !isVietnameseSyllable(lower)) return 'strong';
  return 'neutral';
}

// The English runs of one line: [{ run, line }].
function englishRunsOfLine(line) {
  const chunks = line.split(/\s+/).filter(Boolean);
  const lineHasVietnamese = chunks.some((c) => classify(c) === 'vi');
  const found = [];
  let run = [];
  const flush = () => {
    const kinds = run.map(classify);
    const strong = kinds.filter((k) => k === 'strong').length;
    const english = strong + kinds.filter((k) => k === 'weak').length;
    const weak = english - strong;
    const letterWords = run.filter((c) => /\p{L}/u.test(c)).length;
    const weakProse = !lineHasVietnamese && weak >= 3 && weak * 2 >= letterWords;
    if ((strong >= 1 && (english >= 2 || !lineHasVietnamese)) || weakProse) {
      // Trim neutral words at both ends of the run, to show the sentence itself,
      let from = 0;
      let to = run.length;
      // and the end of a Vietnamese label ("Lý do:" is not English for its "do").
      while (from < to && (kinds[from] === 'neutral' || (kinds[from] === 'weak' && run[from].endsWith(':')))) from += 1;
      while (to > from && kinds[to - 1] === 'neutral') to -= 1;
      found.push({ run: run.slice(from, to).join(' '), line });
    }
    run = [];
  };
  for (const chunk of chunks) {
    if (classify(chunk) === 'vi') flush();
    else run.push(chunk);
  }
  flush();
  return found;
}

// Every English run in a text: [{ run, line }]. Lines are cut at line breaks and tabs (innerText
// puts a tab between table cells), so two cells never join into one sentence.
export function findEnglish(text) {
  return String(text || '')
    .split(/[\n\t\r]+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .flatMap(englishRunsOfLine);
}

// Strings the detector must flag, and strings it must leave alone.
export const ENGLISH_SAMPLES = [
  'registered as dossier #140',
  'needs a person (manual queue #4): no barcode',
  'envelope registered',
  'finished after the appointment',
  'Not found',
  'dossier 5 is accepted; cannot refuse',
  'Dữ liệu không hợp lệ: EB123456784VN: the check digit is 4, expected 5',
  'Trạng thái hồ sơ không cho phép thao tác này: dossier #12 is received; allowed: accept, refuse',
  'Không tìm thấy: no dossier with this code',
  'accepted',
  'the result cannot be posted without the applicant\'s phone',
  'Not logged in, or the session has expired',
  'Not set yet',
];

export const VIETNAMESE_SAMPLES = [
  'Đã đăng ký hồ sơ #140 từ phong bì EB123456785VN',
  'Mã hồ sơ: 000.00.01.H12-261206-0001 · Hạn trả: 08/12/2026 15:00',
  'Nguyen Van An\tTran Thi Hoa\tLe Minh Tuan\tPham Thu Ha',
  'Hoang Van Long, Ngo Thi Lan, Do Van Ban, Ta Thi To',
  'VNPost EMS · Zalo · SMS · CCCD 001234567890 · QR · PDF · Code 128 · hoso · OK · ID',
  'blank-1733490000000.png\tvanthu\tcanbo\tquantri\tthu12345@example.vn',
  'VNPost <b>1733490000000</b> (#3)',
  'English',
  'Do Van An, Ta Thi To, Ban Thi Lan, Ma Van Con, The Thi Ten',
  'http://127.0.0.1:8080/tra-cuu?ma=000.00.01.H12-261206-0001',
  '06/12/2026 10:15\t2026-12-06\t12.345\t98,5 %',
  'NOT A SENTENCE IN CAPITALS OK',
];

// What the detector misjudges: a list of problems, empty when it is right on every sample and says
// nothing about any Vietnamese text of the pages' dictionary (vi values, {params} filled in).
export function selfCheck(viDictionary) {
  const problems = [];
  for (const s of ENGLISH_SAMPLES) {
    if (!findEnglish(s).length) problems.push(`misses the English of: ${JSON.stringify(s)}`);
  }
  for (const s of VIETNAMESE_SAMPLES) {
    const found = findEnglish(s);
    if (found.length) problems.push(`calls English: ${JSON.stringify(found[0].run)} in ${JSON.stringify(s)}`);
  }
  for (const [key, value] of Object.entries(viDictionary || {})) {
    const text = String(value).replace(/\{(\w+)\}/g, '7');
    const found = findEnglish(text);
    if (found.length) problems.push(`calls the Vietnamese text "${key}" English: ${JSON.stringify(found[0].run)}`);
  }
  return problems;
}

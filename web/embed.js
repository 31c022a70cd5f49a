// The 医保局 website adds the chat widget to any page with one line:
//   <script src="https://<this server>/embed.js" async></script>
// (optional: data-lang="bo" for Tibetan). It opens /chat in an iframe, so the
// host page needs no Web Chat, no styles and no scripts of its own.
(function () {
  var script = document.currentScript;
  if (!script || window.__xzybWidget) return;
  window.__xzybWidget = true;
  var origin = new URL(script.src).origin;
  var lang = script.getAttribute('data-lang') === 'bo' ? 'bo' : 'zh-CN';
  // UI strings, injected by the server from locales/<lang>/web.json.
  var strings = {{EMBED_STRINGS}}[lang];

  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = strings.open;
  button.setAttribute('aria-expanded', 'false');
  var b = button.style;
  b.position = 'fixed'; b.right = '16px'; b.bottom = '16px'; b.zIndex = '2147483646';
  b.padding = '12px 18px'; b.border = '0'; b.borderRadius = '24px'; b.background = '#0b5cad'; b.color = '#fff';
  b.font = '16px system-ui, sans-serif';
  if (lang === 'bo' && window.FontFace && document.fonts) {
    // The host page has no Tibetan font: without ours the label is a row of boxes.
    var face = new FontFace('XZYB Tibetan', 'url(' + origin + '{{TIBETAN_FONT}})', { unicodeRange: 'U+0F00-0FFF' });
    document.fonts.add(face);
    face.load().catch(function () {});
    b.fontFamily = "'XZYB Tibetan', system-ui, sans-serif";
    b.lineHeight = '1.9';
  } b.boxShadow = '0 2px 8px rgba(0,0,0,.3)'; b.cursor = 'pointer';

  var frame;
  function open() {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.src = origin + '/chat?embed=1&lang=' + lang;
      frame.title = strings.open;
      var f = frame.style;
      f.position = 'fixed'; f.right = '16px'; f.bottom = '72px'; f.zIndex = '2147483647';
      f.width = 'min(400px, calc(100vw - 32px))'; f.height = 'min(640px, calc(100vh - 96px))';
      f.border = '1px solid #d5dbe3'; f.borderRadius = '12px'; f.background = '#fff'; f.boxShadow = '0 4px 16px rgba(0,0,0,.25)';
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    var shown = !frame.hidden;
    button.textContent = shown ? strings.close : strings.open;
    button.setAttribute('aria-expanded', String(shown));
  }
  button.addEventListener('click', open);
  document.body.appendChild(button);
})();

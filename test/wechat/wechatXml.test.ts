import { describe, expect, it } from 'vitest';
import { WeChatRequestError } from '../../bot/wechat/wechatRequestError.js';
import { buildWeChatXml, parseWeChatXml } from '../../bot/wechat/wechatXml.js';

const codeOf = (text: string): string | undefined => {
  try {
    parseWeChatXml(text);
    return undefined;
  } catch (err) {
    if (err instanceof WeChatRequestError) return err.code;
    throw err;
  }
};

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<xml><ToUserName>gh</ToUserName><Content>&lol3;</Content></xml>`;

const XXE = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><Content>&xxe;</Content></xml>`;

describe('parseWeChatXml', () => {
  it('keeps every value a string, exactly as sent', () => {
    const fields = parseWeChatXml(`<xml>
      <ToUserName><![CDATA[gh_123]]></ToUserName>
      <CreateTime>1348831860</CreateTime>
      <MsgType><![CDATA[text]]></MsgType>
      <Content><![CDATA[0012]]></Content>
      <MsgId>1234567890123456789</MsgId>
    </xml>`);
    expect(fields).toEqual({ ToUserName: 'gh_123', CreateTime: '1348831860', MsgType: 'text', Content: '0012', MsgId: '1234567890123456789' });
    expect(typeof fields.MsgId).toBe('string');
  });

  it('keeps CDATA content literal and decodes only the predefined references outside it', () => {
    const fields = parseWeChatXml('<xml><A><![CDATA[a &amp; <b> ]]]]><![CDATA[>]]></A><B>x &lt;&amp;&gt; &#20013;&#x6587;</B><C/></xml>');
    expect(fields).toEqual({ A: 'a &amp; <b> ]]>', B: 'x <&> 中文', C: '' });
  });

  it('refuses DOCTYPE, entity declarations and undeclared entities before expanding anything', () => {
    expect(codeOf(BILLION_LAUGHS)).toBe('forbidden_xml');
    expect(codeOf(XXE)).toBe('forbidden_xml');
    expect(codeOf('<xml><Content>&lol;</Content></xml>')).toMatch(/forbidden_xml|malformed_xml/);
  });

  it('accepts a user typing "<!DOCTYPE" inside CDATA as text', () => {
    expect(parseWeChatXml('<xml><Content><![CDATA[<!DOCTYPE x>]]></Content></xml>').Content).toBe('<!DOCTYPE x>');
  });

  it.each([
    ['empty', '', 'empty_body'],
    ['blank', '  \n', 'empty_body'],
    ['not XML', 'hello', 'malformed_xml'],
    ['JSON', '{"MsgType":"text"}', 'malformed_xml'],
    ['unclosed', '<xml><Content>hi</xml>', 'malformed_xml'],
    ['two roots', '<xml><A>1</A></xml><xml><A>2</A></xml>', 'malformed_xml'],
    ['wrong root', '<message><A>1</A></message>', 'bad_message'],
    ['repeated field', '<xml><FromUserName>a</FromUserName><FromUserName>b</FromUserName></xml>', 'bad_message'],
  ])('refuses %s', (_name, body, code) => {
    expect(codeOf(body)).toBe(code);
  });

  it('refuses deep nesting without recursing into it', () => {
    expect(codeOf(`<xml>${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}</xml>`)).toMatch(/malformed_xml|bad_message/);
  });

  it('skips nested fields (menu event details) and keeps the leaves', () => {
    const fields = parseWeChatXml('<xml><Event>scancode_push</Event><ScanCodeInfo><ScanType>qrcode</ScanType></ScanCodeInfo></xml>');
    expect(fields).toEqual({ Event: 'scancode_push' });
  });
});

describe('buildWeChatXml', () => {
  it('round-trips through the parser, including "]]>" inside a value', () => {
    const xml = buildWeChatXml({ ToUserName: 'o_user', CreateTime: 1700000000, Content: '1. 参保登记\n2. a ]]> b & <c>' });
    expect(xml).toContain('<CreateTime>1700000000</CreateTime>');
    expect(parseWeChatXml(xml)).toEqual({ ToUserName: 'o_user', CreateTime: '1700000000', Content: '1. 参保登记\n2. a ]]> b & <c>' });
  });
});

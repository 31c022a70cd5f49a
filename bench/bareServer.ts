import express from 'express';

/**
 * The baseline for `/api/search`: a bare express app answering a JSON body of about the same
 * size, with nothing else in the way. Run as its own process, like the real server.
 */
const app = express();
const body = {
  query: '退休了去外地养老，医保要备案吗',
  outcome: 'match',
  matches: [
    { no: 12, code: '002036004001', title: '异地安置退休人员备案', score: 0.81 },
    { no: 13, code: '002036004002', title: '异地长期居住人员备案', score: 0.52 },
  ],
};
app.get('/json', (_req, res) => {
  res.json(body);
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
server.on('listening', () => process.send?.('ready'));

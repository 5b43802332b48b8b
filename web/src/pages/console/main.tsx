import '../common/style.css';
import 'uplot/dist/uPlot.min.css';
import { render } from 'preact';
import { ConsoleApp } from './console-app.js';

render(<ConsoleApp />, document.getElementById('app')!);
